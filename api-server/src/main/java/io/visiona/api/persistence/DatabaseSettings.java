package io.visiona.api.persistence;

import io.helidon.config.Config;
import java.nio.file.Path;

/**
 * {@code api.database.*}: an empty {@code url} means the embedded H2 file database under {@code
 * data-dir}; otherwise a JDBC URL (PostgreSQL in production).
 */
public record DatabaseSettings(
    String url, String user, String password, Path dataDir, int maxPoolSize) {

  public static DatabaseSettings from(Config db) {
    return new DatabaseSettings(
        db.get("url").asString().orElse(""),
        db.get("user").asString().orElse(""),
        db.get("password").asString().orElse(""),
        Path.of(db.get("data-dir").asString().orElse("data")),
        db.get("max-pool-size").asInt().orElse(10));
  }

  public boolean embedded() {
    return url.isBlank();
  }

  /** The JDBC URL actually used. */
  public String jdbcUrl() {
    return embedded()
        ? "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("api-server") + ";DB_CLOSE_DELAY=0"
        : url;
  }

  @Override
  public String toString() {
    return "DatabaseSettings[url=" + jdbcUrl() + ", user=" + user + ", password=<redacted>]";
  }
}
