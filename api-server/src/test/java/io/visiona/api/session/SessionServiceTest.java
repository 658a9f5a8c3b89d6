package io.visiona.api.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.visiona.api.crypto.Hashes;
import io.visiona.api.persistence.Database;
import io.visiona.api.persistence.SessionRepository;
import io.visiona.api.persistence.TestDatabases;
import io.visiona.api.persistence.User;
import io.visiona.api.persistence.UserRepository;
import io.visiona.api.testing.MutableClock;
import io.visiona.server.signing.KeyRing;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sessions with an injected clock: timeouts, tampering, key rotation, limits, storage. */
class SessionServiceTest {

  static final String OLD = "k1:" + "A".repeat(43) + "=";
  static final String NEW = "k2:" + "B".repeat(43) + "=";
  static final String COOKIE = "__Host-visiona-session";

  @TempDir Path dir;
  MutableClock clock = MutableClock.startingNow();
  Database db;
  UserRepository users;
  SessionRepository repo;
  User alice;

  @BeforeEach
  void open() {
    db = TestDatabases.open(TestDatabases.Kind.H2, dir);
    users = new UserRepository(db.jdbi());
    repo = new SessionRepository(db.jdbi());
    alice = users.upsertOnLogin("https://idp", "alice", null, null, 0);
  }

  @AfterEach
  void close() {
    db.close();
  }

  SessionService service(String keys, int maxPerUser) {
    return service(keys, maxPerUser, COOKIE);
  }

  SessionService service(String keys, int maxPerUser, String cookieName) {
    return new SessionService(
        repo,
        users,
        new SessionSettings(
            Duration.ofMinutes(30), Duration.ofHours(12), maxPerUser, false, KeyRing.parse(keys)),
        cookieName,
        clock);
  }

  @Test
  void aSessionResolvesFromItsCookieAndOnlyItsHashIsStored() {
    SessionService s = service(OLD, 10);
    SessionService.Created c = s.create(alice, "Firefox");
    assertThat(s.resolve(c.cookieValue()))
        .hasValueSatisfying(a -> assertThat(a.user()).isEqualTo(alice));
    String id = c.cookieValue().split("\\.")[0];
    assertThat(id).hasSize(43); // 256 bits
    assertThat(repo.find(id)).isEmpty();
    assertThat(repo.find(Hashes.sha256Hex(id))).isPresent();
    assertThat(repo.find(Hashes.sha256Hex(id)).orElseThrow().userAgent()).isEqualTo("Firefox");
  }

  @Test
  void idleTimeoutIsEnforcedOnTheServer() {
    SessionService s = service(OLD, 10);
    String cookie = s.create(alice, null).cookieValue();
    clock.advance(Duration.ofMinutes(29));
    assertThat(s.resolve(cookie)).isPresent();
    clock.advance(Duration.ofMinutes(29)); // used 29 min ago: still alive
    assertThat(s.resolve(cookie)).isPresent();
    clock.advance(Duration.ofMinutes(30));
    assertThat(s.resolve(cookie)).isEmpty();
    clock.advance(Duration.ofMinutes(-30));
    assertThat(s.resolve(cookie)).as("the record was deleted, not just refused").isEmpty();
  }

  @Test
  void absoluteTimeoutEndsEvenAnActiveSession() {
    SessionService s = service(OLD, 10);
    String cookie = s.create(alice, null).cookieValue();
    for (int i = 0; i < 35; i++) { // 35 x 20 min = 11 h 40 min
      clock.advance(Duration.ofMinutes(20));
      assertThat(s.resolve(cookie)).as("after %d min", (i + 1) * 20).isPresent();
    }
    clock.advance(Duration.ofMinutes(20));
    assertThat(s.resolve(cookie)).isEmpty();
  }

  @Test
  void aFlippedBitInvalidatesTheCookie() {
    SessionService s = service(OLD, 10);
    String cookie = s.create(alice, null).cookieValue();
    for (int i = 0; i < cookie.length(); i++) {
      char c = cookie.charAt(i);
      char flipped = (char) (c ^ 1);
      String tampered = cookie.substring(0, i) + flipped + cookie.substring(i + 1);
      assertThat(s.resolve(tampered)).as("position %d", i).isEmpty();
    }
    assertThat(s.resolve(cookie)).isPresent();
  }

  @Test
  void aValueMovedToAnotherCookieNameIsInvalid() {
    SessionService s = service(OLD, 10);
    String cookie = s.create(alice, null).cookieValue();
    assertThat(service(OLD, 10, "__Host-visiona-login").resolve(cookie)).isEmpty();
  }

  @Test
  void keyRotationKeepsSessionsUntilTheOldKeyIsRetired() {
    String cookie = service(OLD, 10).create(alice, null).cookieValue();
    SessionService rotated = service(NEW + "," + OLD, 10);
    assertThat(rotated.resolve(cookie)).as("old key still verifies").isPresent();
    String fresh = rotated.create(alice, null).cookieValue();
    assertThat(fresh).contains(".k2.");
    SessionService retired = service(NEW, 10);
    assertThat(retired.resolve(cookie)).as("retired key").isEmpty();
    assertThat(retired.resolve(fresh)).isPresent();
  }

  @Test
  void aKeyPastItsNotAfterNeitherSignsNorVerifies() {
    String until = clock.instant().plus(Duration.ofHours(1)).toString();
    SessionService s = service(OLD + ":" + until + "," + NEW, 10);
    String cookie = s.create(alice, null).cookieValue();
    assertThat(cookie).contains(".k1.");
    assertThat(s.resolve(cookie)).isPresent();
    clock.advance(Duration.ofMinutes(61));
    assertThat(s.resolve(cookie)).as("retired by its not-after").isEmpty();
    assertThat(s.create(alice, null).cookieValue()).contains(".k2.");
  }

  @Test
  void aKeyIdWithDotsSignsAndVerifies() {
    SessionService s = service("2026.03:" + "C".repeat(43) + "=", 10);
    String cookie = s.create(alice, null).cookieValue();
    assertThat(cookie).contains(".2026.03.");
    assertThat(s.resolve(cookie)).isPresent();
    String[] p = cookie.split("\\.");
    String otherKid = p[0] + "." + p[1] + ".2026." + p[4];
    assertThat(s.resolve(otherKid)).isEmpty();
  }

  @Test
  void garbageCookiesAreRejected() {
    SessionService s = service(OLD, 10);
    for (String v : new String[] {"", "x", "a.b.c.d", "a.1.k1.", "a..k1.x", "x".repeat(5000)}) {
      assertThat(s.resolve(v)).as(v).isEmpty();
    }
  }

  @Test
  void sessionsPerUserAreCappedLeastRecentlyUsedFirst() {
    SessionService s = service(OLD, 2);
    String first = s.create(alice, null).cookieValue();
    clock.advance(Duration.ofMinutes(2));
    String second = s.create(alice, null).cookieValue();
    clock.advance(Duration.ofMinutes(2));
    assertThat(s.resolve(first)).isPresent(); // first is now the most recently used
    clock.advance(Duration.ofMinutes(2));
    String third = s.create(alice, null).cookieValue();
    assertThat(s.resolve(second)).isEmpty();
    assertThat(s.resolve(first)).isPresent();
    assertThat(s.resolve(third)).isPresent();
    assertThat(s.list(alice.id())).hasSize(2);
  }

  @Test
  void aDisabledUsersSessionsStopWorking() {
    SessionService s = service(OLD, 10);
    String cookie = s.create(alice, null).cookieValue();
    users.setDisabled(alice.id(), true);
    assertThat(s.resolve(cookie)).isEmpty();
  }

  @Test
  void usersRevokeOnlyTheirOwnSessions() {
    SessionService s = service(OLD, 10);
    User bob = users.upsertOnLogin("https://idp", "bob", null, null, 0);
    SessionService.Created a = s.create(alice, null);
    SessionService.Created b = s.create(bob, null);
    assertThat(s.revoke(bob.id(), a.session().handle())).isFalse();
    assertThat(s.resolve(a.cookieValue())).isPresent();
    assertThat(s.revoke(alice.id(), a.session().handle())).isTrue();
    assertThat(s.resolve(a.cookieValue())).isEmpty();
    assertThat(s.resolve(b.cookieValue())).isPresent();
    assertThat(s.revokeAll(bob.id())).isEqualTo(1);
  }
}
