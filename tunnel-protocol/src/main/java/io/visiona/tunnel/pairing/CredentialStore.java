package io.visiona.tunnel.pairing;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * The box's credential on disk: one small file, readable and writable by its owner only, replaced
 * atomically (written to a new owner-only file beside it, synced, then renamed over it), so a crash
 * never leaves half a credential or a moment in which others could read it.
 */
public final class CredentialStore {

  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");

  private final Path file;

  public CredentialStore(Path file) {
    this.file = file.toAbsolutePath();
  }

  public Path file() {
    return file;
  }

  /** The stored identity, or empty when there is none yet. */
  public Optional<DeviceIdentity> load() throws IOException {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(in);
    }
    String device = p.getProperty("device_id");
    String credential = p.getProperty("credential");
    String tunnel = p.getProperty("tunnel_url");
    String expires = p.getProperty("expires_at");
    if (device == null || credential == null || tunnel == null || expires == null) {
      throw new IOException(file + " is not a complete credential file");
    }
    return Optional.of(
        new DeviceIdentity(device, credential, URI.create(tunnel), Instant.parse(expires)));
  }

  /** Replaces the stored identity. */
  public void save(DeviceIdentity identity) throws IOException {
    Properties p = new Properties();
    p.setProperty("device_id", identity.deviceId());
    p.setProperty("credential", identity.credential());
    p.setProperty("tunnel_url", identity.tunnelUrl().toString());
    p.setProperty("expires_at", identity.expiresAt().toString());
    StringWriter text = new StringWriter();
    p.store(text, "Visiona device credential: a secret, keep this file private");
    Path dir = file.getParent();
    Files.createDirectories(dir);
    boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    Path tmp =
        posix
            ? Files.createTempFile(
                dir, ".credential-", ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY))
            : Files.createTempFile(dir, ".credential-", ".tmp");
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.write(StandardCharsets.UTF_8.encode(text.toString()));
        ch.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
