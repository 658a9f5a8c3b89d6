package io.visiona.api.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.visiona.api.persistence.TestDatabases.Kind;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The same migrations and queries against H2 and a real PostgreSQL. */
class RepositoriesTest {

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(Kind.class)
  void usersAreKeyedByIssuerAndSubject(Kind kind) {
    try (Database db = TestDatabases.open(kind, dir)) {
      UserRepository users = new UserRepository(db.jdbi());
      User a = users.upsertOnLogin("https://idp-a", "42", "a@x", "A", 1000);
      User sameAgain = users.upsertOnLogin("https://idp-a", "42", "a2@x", "A2", 2000);
      User otherIssuer = users.upsertOnLogin("https://idp-b", "42", "b@x", "B", 3000);

      assertThat(sameAgain.id()).isEqualTo(a.id());
      assertThat(sameAgain.email()).isEqualTo("a2@x");
      assertThat(sameAgain.createdAt()).isEqualTo(1000);
      assertThat(otherIssuer.id()).isNotEqualTo(a.id());
      assertThat(users.find(a.id())).contains(sameAgain);
      users.setDisabled(a.id(), true);
      assertThat(users.find(a.id()).orElseThrow().disabled()).isTrue();
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void concurrentFirstLoginsMakeOneUser(Kind kind) throws Exception {
    try (Database db = TestDatabases.open(kind, dir);
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      UserRepository users = new UserRepository(db.jdbi());
      Callable<Long> login = () -> users.upsertOnLogin("iss", "sub", null, null, 1).id();
      List<Future<Long>> ids = pool.invokeAll(List.of(login, login, login, login));
      assertThat(ids.stream().map(RepositoriesTest::get).distinct()).hasSize(1);
    }
  }

  private static Long get(Future<Long> f) {
    try {
      return f.get();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void sessionsAreScopedByUserAndTrimmedOldestFirst(Kind kind) {
    try (Database db = TestDatabases.open(kind, dir)) {
      UserRepository users = new UserRepository(db.jdbi());
      SessionRepository sessions = new SessionRepository(db.jdbi());
      long alice = users.upsertOnLogin("iss", "alice", null, null, 0).id();
      long bob = users.upsertOnLogin("iss", "bob", null, null, 0).id();
      for (int i = 0; i < 3; i++) {
        sessions.insert(new SessionRecord("a" + i, "ha" + i, alice, i, i, 10_000, "ua"));
      }
      sessions.insert(new SessionRecord("b0", "hb0", bob, 0, 0, 10_000, null));

      assertThat(sessions.deleteByHandle(bob, "ha0")).as("bob cannot revoke alice's").isFalse();
      assertThat(sessions.find("a0")).isPresent();
      sessions.touch("a0", 50);
      assertThat(sessions.listForUser(alice))
          .extracting(SessionRecord::handle)
          .containsExactly("ha0", "ha2", "ha1");

      assertThat(sessions.trimForUser(alice, 2)).isEqualTo(1);
      assertThat(sessions.find("a1")).isEmpty();
      assertThat(sessions.deleteByHandle(alice, "ha2")).isTrue();
      assertThat(sessions.listForUser(alice)).extracting(SessionRecord::idHash).containsOnly("a0");
      assertThat(sessions.find("b0")).isPresent();

      assertThat(sessions.deleteExpired(10_000, 0)).isEqualTo(2);
      assertThat(sessions.delete("a0")).isFalse();
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void loginTransactionsAreSingleUseAndBoundToTheBrowser(Kind kind) {
    try (Database db = TestDatabases.open(kind, dir)) {
      LoginTransactionRepository logins = new LoginTransactionRepository(db.jdbi());
      logins.insert(new LoginTransactionRecord("s1", "browser", "/a", 1, 100));
      logins.insert(new LoginTransactionRecord("s2", "browser", "/b", 2, 100));
      logins.insert(new LoginTransactionRecord("s3", "other", "/c", 3, 50));

      assertThat(logins.countForBrowser("browser")).isEqualTo(2);
      assertThat(logins.countAll()).isEqualTo(3);
      assertThat(logins.find("s2").orElseThrow().returnTo()).isEqualTo("/b");
      assertThat(logins.consume("s1", "other")).as("another browser").isFalse();
      assertThat(logins.consume("s1", "browser")).isTrue();
      assertThat(logins.consume("s1", "browser")).as("second use").isFalse();

      logins.insert(new LoginTransactionRecord("s4", "browser", "/d", 4, 100));
      assertThat(logins.trimForBrowser("browser", 1)).isEqualTo(1);
      assertThat(logins.find("s4")).isPresent();
      assertThat(logins.find("s2")).isEmpty();
      assertThat(logins.deleteExpired(50)).isEqualTo(1);
      assertThat(logins.countAll()).isEqualTo(1);
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void auditLogKeepsEventsNewestFirst(Kind kind) {
    try (Database db = TestDatabases.open(kind, dir)) {
      AuditLog audit =
          new AuditLog(db.jdbi(), Clock.fixed(Instant.ofEpochMilli(7), ZoneOffset.UTC));
      audit.record(1L, "login", "first");
      audit.record(null, "login_failed", "x".repeat(5000));
      audit.record(1L, "logout", null);
      assertThat(audit.recentForUser(1, 10))
          .extracting(AuditLog.Entry::action)
          .containsExactly("logout", "login");
      assertThat(audit.recentForUser(1, 1)).hasSize(1);
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void migrationsAreIdempotentOnReopen(Kind kind) {
    DatabaseSettings settings = TestDatabases.settings(kind, dir);
    try (Database db = Database.open(settings)) {
      new UserRepository(db.jdbi()).upsertOnLogin("i", "s", null, null, 1);
    }
    try (Database db = Database.open(settings)) {
      assertThat(new UserRepository(db.jdbi()).upsertOnLogin("i", "s", null, null, 2).createdAt())
          .isEqualTo(1);
    }
  }
}
