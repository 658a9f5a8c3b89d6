package io.visiona.api.console;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The console's static files, read once from a class-path folder (a directory while developing, a
 * folder of the application jar in production) into memory. Names are checked when loaded: only
 * plain names ({@code [a-z0-9._-]}, no leading dot) in at most {@link #MAX_DEPTH} folders, a known
 * extension (which gives the content type), bounded sizes. A file that breaks a rule stops the
 * server at start instead of being served wrongly.
 */
public final class ConsoleFiles {

  /** One file: its bytes, content type and strong validator. */
  public record StaticFile(String relativePath, byte[] body, String contentType, String etag) {}

  static final int MAX_DEPTH = 3;
  static final int MAX_FILES = 64;
  static final long MAX_FILE_BYTES = 1 << 20;
  static final long MAX_TOTAL_BYTES = 8 << 20;

  private static final Pattern SEGMENT = Pattern.compile("[a-z0-9_-][a-z0-9._-]{0,63}");

  private static final Map<String, String> CONTENT_TYPES =
      Map.of(
          "html", "text/html; charset=utf-8",
          "js", "text/javascript; charset=utf-8",
          "css", "text/css; charset=utf-8",
          "svg", "image/svg+xml",
          "png", "image/png",
          "json", "application/json");

  private ConsoleFiles() {}

  /**
   * The files under {@code loader}'s folder {@code folder}, by path relative to it ({@code
   * a/b.js}).
   */
  public static Map<String, StaticFile> load(ClassLoader loader, String folder) {
    URL root = loader.getResource(folder);
    if (root == null) {
      throw new IllegalStateException("console folder not on the class path: " + folder);
    }
    try {
      URI uri = root.toURI();
      if (uri.getScheme().equals("jar")) {
        return readJar(uri, folder);
      }
      return read(Path.of(uri));
    } catch (URISyntaxException e) {
      throw new IllegalStateException("console folder has no usable location: " + root, e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the console files", e);
    }
  }

  /**
   * Reads from the jar; a jar file system opened here is closed again, one opened elsewhere not.
   */
  private static Map<String, StaticFile> readJar(URI uri, String folder) throws IOException {
    FileSystem opened;
    try {
      opened = FileSystems.newFileSystem(uri, Map.of());
    } catch (FileSystemAlreadyExistsException e) {
      return read(FileSystems.getFileSystem(uri).getPath("/" + folder));
    }
    try (FileSystem jar = opened) {
      return read(jar.getPath("/" + folder));
    }
  }

  static Map<String, StaticFile> read(Path dir) throws IOException {
    Map<String, StaticFile> files = new TreeMap<>();
    long total = 0;
    try (Stream<Path> walk = Files.walk(dir, MAX_DEPTH + 1)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        if (Files.isDirectory(p)) {
          continue;
        }
        String relative = relativeName(dir, p);
        long size = Files.size(p);
        if (size > MAX_FILE_BYTES) {
          throw new IllegalStateException("console file too large: " + relative);
        }
        total += size;
        if (total > MAX_TOTAL_BYTES || files.size() >= MAX_FILES) {
          throw new IllegalStateException("too many or too large console files at " + relative);
        }
        byte[] body = Files.readAllBytes(p);
        files.put(relative, new StaticFile(relative, body, contentType(relative), etag(body)));
      }
    }
    if (!files.containsKey("index.html")) {
      throw new IllegalStateException("the console has no index.html");
    }
    return Map.copyOf(files);
  }

  private static String relativeName(Path dir, Path file) {
    Path rel = dir.relativize(file);
    if (rel.getNameCount() > MAX_DEPTH) {
      throw new IllegalStateException("console file nested too deep: " + rel);
    }
    StringBuilder name = new StringBuilder();
    for (Path segment : rel) {
      // Directory entries in a jar keep their trailing slash in toString().
      String s = segment.toString().replace("/", "");
      if (!SEGMENT.matcher(s).matches()) {
        throw new IllegalStateException("console file name not allowed: " + rel);
      }
      name.append(name.isEmpty() ? "" : "/").append(s);
    }
    return name.toString();
  }

  static String contentType(String name) {
    int dot = name.lastIndexOf('.');
    String type =
        dot < 0 ? null : CONTENT_TYPES.get(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    if (type == null) {
      throw new IllegalStateException("console file of unknown type: " + name);
    }
    return type;
  }

  private static String etag(byte[] body) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(body);
      return "\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(hash) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
