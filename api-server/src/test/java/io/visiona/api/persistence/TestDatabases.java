package io.visiona.api.persistence;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/** Fresh databases for tests: an H2 file database, or a new database in a real PostgreSQL. */
public final class TestDatabases {

  private static final ReentrantLock LOCK = new ReentrantLock();
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static EmbeddedPostgres postgres;

  private TestDatabases() {}

  public enum Kind {
    H2,
    POSTGRES
  }

  public static DatabaseSettings settings(Kind kind, Path dir) {
    return switch (kind) {
      case H2 -> new DatabaseSettings("", "", "", dir, 4);
      case POSTGRES -> {
        EmbeddedPostgres pg = postgres();
        String name = "visiona_test_" + COUNTER.incrementAndGet();
        try (Connection c = pg.getPostgresDatabase().getConnection();
            Statement st = c.createStatement()) {
          st.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
          throw new IllegalStateException("cannot create test database", e);
        }
        yield new DatabaseSettings(pg.getJdbcUrl("postgres", name), "postgres", "", dir, 4);
      }
    };
  }

  public static Database open(Kind kind, Path dir) {
    return Database.open(settings(kind, dir));
  }

  /** One PostgreSQL server per test JVM, started on first use and stopped at exit. */
  static EmbeddedPostgres postgres() {
    LOCK.lock();
    try {
      if (postgres == null) {
        EmbeddedPostgres.Builder b = EmbeddedPostgres.builder().setRegisterShutdownHook(true);
        if (RootlessPostgresBinaries.runningAsRoot()) {
          b.setPgBinaryResolver(new RootlessPostgresBinaries());
        }
        postgres = b.start();
      }
      return postgres;
    } catch (IOException e) {
      throw new UncheckedIOException("embedded PostgreSQL did not start", e);
    } finally {
      LOCK.unlock();
    }
  }
}
