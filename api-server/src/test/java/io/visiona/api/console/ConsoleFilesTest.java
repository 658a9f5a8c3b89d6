package io.visiona.api.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.visiona.api.console.ConsoleFiles.StaticFile;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which files the console serves, from a directory (development) and from a jar (production). */
class ConsoleFilesTest {

  @TempDir Path dir;

  @Test
  void readsTheFolderOfAJarAsInProduction() throws Exception {
    Path jar = dir.resolve("app.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      entry(out, "console/", null);
      entry(out, "console/index.html", "<!doctype html>");
      entry(out, "console/views/", null);
      entry(out, "console/views/a.js", "export {};");
      entry(out, "other/secret.txt", "not the console's");
    }
    try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
      Map<String, StaticFile> files = ConsoleFiles.load(loader, "console");
      assertThat(files).containsOnlyKeys("index.html", "views/a.js");
      assertThat(files.get("views/a.js").contentType()).isEqualTo("text/javascript; charset=utf-8");
      assertThat(new String(files.get("index.html").body(), StandardCharsets.UTF_8))
          .isEqualTo("<!doctype html>");
    }
  }

  @Test
  void readsADirectory() throws Exception {
    write("index.html", "<!doctype html>");
    write("a/b/c.css", "p {}");
    Map<String, StaticFile> files = ConsoleFiles.read(dir);
    assertThat(files).containsOnlyKeys("index.html", "a/b/c.css");
    assertThat(files.get("a/b/c.css").etag()).startsWith("\"").endsWith("\"").hasSize(45);
  }

  @Test
  void refusesFilesItCouldServeWrongly() throws Exception {
    write("index.html", "<!doctype html>");
    refused("notes.txt", "unknown type");
    refused("noextension", "unknown type");
    refused("App.js", "not allowed");
    refused(".hidden.js", "not allowed");
    refused("with space.js", "not allowed");
    refused("a/b/c/d.js", "too deep");
    refused("big.js", "x".repeat((int) ConsoleFiles.MAX_FILE_BYTES + 1), "too large");
  }

  @Test
  void needsAnIndex() throws Exception {
    write("app.js", "");
    assertThatThrownBy(() -> ConsoleFiles.read(dir)).hasMessageContaining("no index.html");
  }

  private void refused(String name, String why) throws Exception {
    refused(name, "", why);
  }

  private void refused(String name, String content, String why) throws Exception {
    Path p = write(name, content);
    assertThatThrownBy(() -> ConsoleFiles.read(dir)).as(name).hasMessageContaining(why);
    Files.delete(p);
  }

  private Path write(String name, String content) throws Exception {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    return Files.writeString(p, content);
  }

  private static void entry(JarOutputStream out, String name, String content) throws Exception {
    out.putNextEntry(new JarEntry(name));
    if (content != null) {
      OutputStream o = out;
      o.write(content.getBytes(StandardCharsets.UTF_8));
    }
    out.closeEntry();
  }
}
