package io.visiona.api.pairing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.visiona.api.device.CredentialRepository;
import io.visiona.api.device.CredentialSettings;
import io.visiona.api.device.DeviceCredentials;
import io.visiona.api.device.DeviceRepository;
import io.visiona.api.pairing.PairingException.Kind;
import io.visiona.api.pairing.PairingService.Poll;
import io.visiona.api.persistence.AuditLog;
import io.visiona.api.persistence.Database;
import io.visiona.api.persistence.TestDatabases;
import io.visiona.api.persistence.UserRepository;
import io.visiona.api.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** RFC 8628 pairing against H2 and a real PostgreSQL, with a clock the tests move (no sleeps). */
class PairingServiceTest {

  private static final BoxInfo BOX = new BoxInfo("Kitchen camera", "VX-1", "SN123", "1.4.2");
  private static final String BOX_ADDRESS = "198.51.100.7";
  private static final String PERSON_ADDRESS = "203.0.113.9";

  @TempDir Path dir;
  private final MutableClock clock = MutableClock.startingNow();
  private Database db;
  private PairingService pairing;
  private DeviceCredentials credentials;
  private DeviceRepository devices;
  private AuditLog audit;
  private long alice;
  private long bob;

  private void open(TestDatabases.Kind kind) {
    db = TestDatabases.open(kind, dir);
    UserRepository users = new UserRepository(db.jdbi());
    alice = users.upsertOnLogin("https://idp", "alice", null, "Alice", 1).id();
    bob = users.upsertOnLogin("https://idp", "bob", null, "Bob", 1).id();
    audit = new AuditLog(db.jdbi(), clock);
    credentials =
        new DeviceCredentials(
            db.jdbi(), new CredentialRepository(db.jdbi()), CredentialSettings.defaults(), clock);
    devices = new DeviceRepository(db.jdbi());
    pairing = new PairingService(db.jdbi(), credentials, audit, PairingSettings.defaults(), clock);
  }

  @AfterEach
  void close() {
    if (db != null) {
      db.close();
    }
  }

  private void afterInterval() {
    clock.advance(Duration.ofSeconds(5));
  }

  @ParameterizedTest
  @EnumSource(TestDatabases.Kind.class)
  void approvedPairingIsExchangedOnceForADeviceAndACredential(TestDatabases.Kind kind) {
    open(kind);
    PairingService.Started s = pairing.start(BOX, BOX_ADDRESS);
    assertThat(s.userCode()).matches("[A-Z]{4}-[A-Z]{4}");
    assertThat(s.deviceCode()).hasSizeGreaterThanOrEqualTo(43);
    assertThat(s.expiresInSeconds()).isEqualTo(600);
    assertThat(s.intervalSeconds()).isEqualTo(5);
    assertThat(s.verificationUriComplete().toString()).endsWith("?code=" + s.userCode());

    assertThat(pairing.poll(s.deviceCode())).isInstanceOf(Poll.Pending.class);

    PairingService.View v = pairing.view(alice, s.userCode().toLowerCase(), PERSON_ADDRESS);
    assertThat(v.name()).isEqualTo("Kitchen camera");
    assertThat(v.serial()).isEqualTo("SN123");
    assertThat(v.clientAddress()).isEqualTo(BOX_ADDRESS);
    pairing.approve(alice, s.userCode(), "Kitchen", PERSON_ADDRESS);

    afterInterval();
    Poll issued = pairing.poll(s.deviceCode());
    assertThat(issued).isInstanceOf(Poll.Issued.class);
    Poll.Issued i = (Poll.Issued) issued;
    assertThat(i.credential()).startsWith("vdc_");
    var identity = credentials.verify(i.credential()).orElseThrow();
    assertThat(identity.deviceId()).isEqualTo(i.deviceId());
    assertThat(identity.ownerId()).isEqualTo(alice);
    assertThat(devices.find(alice, i.deviceId()).orElseThrow().name()).isEqualTo("Kitchen");
    assertThat(devices.find(bob, i.deviceId())).isEmpty();

    afterInterval();
    assertThat(pairing.poll(s.deviceCode())).isInstanceOf(Poll.Invalid.class);
    assertThat(devices.listForOwner(alice)).hasSize(1);
    assertThatThrownBy(() -> pairing.approve(alice, s.userCode(), null, PERSON_ADDRESS))
        .isInstanceOfSatisfying(
            PairingException.class, e -> assertThat(e.kind()).isEqualTo(Kind.ALREADY_DECIDED));
  }

  @ParameterizedTest
  @EnumSource(TestDatabases.Kind.class)
  void pollingFasterThanTheIntervalSlowsTheBoxDownForGood(TestDatabases.Kind kind) {
    open(kind);
    PairingService.Started s = pairing.start(BOX, BOX_ADDRESS);
    assertThat(pairing.poll(s.deviceCode())).isInstanceOf(Poll.Pending.class);
    clock.advance(Duration.ofSeconds(1));
    assertThat(pairing.poll(s.deviceCode())).isEqualTo(new Poll.SlowDown(10));
    clock.advance(Duration.ofSeconds(6)); // enough for 5 s, not for the new 10 s
    assertThat(pairing.poll(s.deviceCode())).isEqualTo(new Poll.SlowDown(15));
    clock.advance(Duration.ofSeconds(15));
    assertThat(pairing.poll(s.deviceCode())).isInstanceOf(Poll.Pending.class);
    clock.advance(Duration.ofSeconds(14));
    assertThat(pairing.poll(s.deviceCode())).isEqualTo(new Poll.SlowDown(20));
  }

  @ParameterizedTest
  @EnumSource(TestDatabases.Kind.class)
  void anExpiredPairingCanNeitherBeApprovedNorExchanged(TestDatabases.Kind kind) {
    open(kind);
    PairingService.Started s = pairing.start(BOX, BOX_ADDRESS);
    pairing.view(alice, s.userCode(), PERSON_ADDRESS);
    pairing.approve(alice, s.userCode(), null, PERSON_ADDRESS);
    clock.advance(Duration.ofMinutes(10));
    assertThat(pairing.poll(s.deviceCode())).isInstanceOf(Poll.Expired.class);
    clock.advance(Duration.ofSeconds(30));
    assertThat(pairing.poll(s.deviceCode())).isInstanceOf(Poll.Expired.class);
    assertThat(devices.listForOwner(alice)).isEmpty();
    assertThat(audit.recentForUser(alice, 10))
        .extracting(AuditLog.Entry::action)
        .containsOnlyOnce("pairing.expired");

    PairingService.Started t = pairing.start(BOX, BOX_ADDRESS);
    clock.advance(Duration.ofMinutes(10));
    assertThatThrownBy(() -> pairing.view(alice, t.userCode(), PERSON_ADDRESS))
        .isInstanceOfSatisfying(
            PairingException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND));
  }

  @ParameterizedTest
  @EnumSource(TestDatabases.Kind.class)
  void auditEntriesOlderThanTheRetentionArePruned(TestDatabases.Kind kind) {
    open(kind);
    audit.record(alice, "old", null);
    clock.advance(Duration.ofDays(2));
    audit.record(alice, "new", null);
    assertThat(audit.pruneOlderThan(clock.millis() - Duration.ofDays(1).toMillis())).isEqualTo(1);
    assertThat(audit.page(alice, Long.MAX_VALUE, 10))
        .extracting(AuditLog.PagedEntry::action)
        .containsExactly("new");
  }

  @ParameterizedTest
  @EnumSource(TestDatabases.Kind.class)
  void aDeniedPairingAnswersAccessDenied(TestDatabases.Kind kind) {
    open(kind);
    PairingService.Started s = pairing.start(BOX, BOX_ADDRESS);
    pairing.deny(alice, s.userCode(), PERSON_ADDRESS);
    assertThat(pairing.poll(s.deviceCode())).isInstanceOf(Poll.Denied.class);
    assertThat(devices.listForOwner(alice)).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(TestDatabases.Kind.class)
  void theSixthWrongCodeIsRefusedUntilTheWindowHasPassed(TestDatabases.Kind kind) {
    open(kind);
    PairingService.Started s = pairing.start(BOX, BOX_ADDRESS);
    for (int i = 0; i < 5; i++) {
      assertThatThrownBy(() -> pairing.view(bob, "BCDF-GHJK", PERSON_ADDRESS))
          .as("wrong code %d", i + 1)
          .isInstanceOfSatisfying(
              PairingException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND));
    }
    // The sixth try is refused even with the right code.
    assertThatThrownBy(() -> pairing.view(bob, s.userCode(), PERSON_ADDRESS))
        .isInstanceOfSatisfying(
            PairingException.class, e -> assertThat(e.kind()).isEqualTo(Kind.TOO_MANY_WRONG_CODES));
    // Another person is not affected.
    assertThat(pairing.view(alice, s.userCode(), PERSON_ADDRESS).name()).isEqualTo(BOX.name());
    clock.advance(Duration.ofMinutes(10).plusSeconds(1));
    assertThatThrownBy(() -> pairing.view(bob, "BCDF-GHJK", PERSON_ADDRESS))
        .isInstanceOfSatisfying(
            PairingException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND));
  }

  @ParameterizedTest
  @EnumSource(TestDatabases.Kind.class)
  void aPendingPairingSomeoneLookedAtIsNotAnotherPersonsToSeeOrDecide(TestDatabases.Kind kind) {
    open(kind);
    PairingService.Started s = pairing.start(BOX, BOX_ADDRESS);
    pairing.view(alice, s.userCode(), PERSON_ADDRESS);
    for (Runnable bobTries :
        List.<Runnable>of(
            () -> pairing.view(bob, s.userCode(), PERSON_ADDRESS),
            () -> pairing.approve(bob, s.userCode(), null, PERSON_ADDRESS),
            () -> pairing.deny(bob, s.userCode(), PERSON_ADDRESS))) {
      assertThatThrownBy(bobTries::run)
          .isInstanceOfSatisfying(
              PairingException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND));
    }
    pairing.approve(alice, s.userCode(), null, PERSON_ADDRESS);
    afterInterval();
    Poll.Issued i = (Poll.Issued) pairing.poll(s.deviceCode());
    assertThat(credentials.verify(i.credential()).orElseThrow().ownerId()).isEqualTo(alice);
  }

  @ParameterizedTest
  @EnumSource(TestDatabases.Kind.class)
  void parallelPollsAfterApprovalYieldExactlyOneCredential(TestDatabases.Kind kind)
      throws Exception {
    open(kind);
    for (int round = 0; round < 5; round++) {
      PairingService.Started s = pairing.start(BOX, "192.0.2." + round);
      pairing.approve(alice, s.userCode(), null, PERSON_ADDRESS);
      List<Poll> polls = race(16, () -> pairing.poll(s.deviceCode()));
      assertThat(polls.stream().filter(Poll.Issued.class::isInstance)).hasSize(1);
    }
    assertThat(devices.listForOwner(alice)).hasSize(5);
  }

  @ParameterizedTest
  @EnumSource(TestDatabases.Kind.class)
  void twoPeopleApprovingOneCodeOneWinsTheOtherGets409(TestDatabases.Kind kind) throws Exception {
    open(kind);
    for (int round = 0; round < 5; round++) {
      PairingService.Started s = pairing.start(BOX, "192.0.2." + round);
      List<Object> outcomes =
          race(
              List.of(
                  () -> outcome(() -> pairing.approve(alice, s.userCode(), null, PERSON_ADDRESS)),
                  () -> outcome(() -> pairing.approve(bob, s.userCode(), null, PERSON_ADDRESS))));
      assertThat(outcomes).containsExactlyInAnyOrder("ok", Kind.ALREADY_DECIDED);
    }
  }

  @ParameterizedTest
  @EnumSource(TestDatabases.Kind.class)
  void oneAddressMayHaveOnlyAFewOpenPairings(TestDatabases.Kind kind) {
    open(kind);
    for (int i = 0; i < 5; i++) {
      pairing.start(BOX, BOX_ADDRESS);
    }
    assertThatThrownBy(() -> pairing.start(BOX, BOX_ADDRESS))
        .isInstanceOfSatisfying(
            PairingException.class, e -> assertThat(e.kind()).isEqualTo(Kind.TOO_MANY_PENDING));
    assertThat(pairing.start(BOX, "198.51.100.8").userCode()).isNotBlank();
    clock.advance(Duration.ofMinutes(10));
    assertThat(pairing.start(BOX, BOX_ADDRESS).userCode()).isNotBlank();
  }

  @ParameterizedTest
  @EnumSource(TestDatabases.Kind.class)
  void rotationKeepsTheOldCredentialForTheOverlapOnly(TestDatabases.Kind kind) {
    open(kind);
    PairingService.Started s = pairing.start(BOX, BOX_ADDRESS);
    pairing.approve(alice, s.userCode(), null, PERSON_ADDRESS);
    String first = ((Poll.Issued) pairing.poll(s.deviceCode())).credential();
    String second = credentials.rotate(first).orElseThrow().token().text();
    assertThat(credentials.verify(first)).isPresent();
    assertThat(credentials.verify(second)).isPresent();
    clock.advance(Duration.ofMinutes(10));
    assertThat(credentials.verify(first)).isEmpty();
    assertThat(credentials.verify(second)).isPresent();
    assertThat(credentials.rotate(first)).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(TestDatabases.Kind.class)
  void onlyTheExactCurrentCredentialVerifies(TestDatabases.Kind kind) {
    open(kind);
    PairingService.Started s = pairing.start(BOX, BOX_ADDRESS);
    pairing.approve(alice, s.userCode(), null, PERSON_ADDRESS);
    Poll.Issued i = (Poll.Issued) pairing.poll(s.deviceCode());
    String good = i.credential();
    String wrongSecret = good.substring(0, good.length() - 1) + (good.endsWith("A") ? "B" : "A");
    String unknownId = "vdc_" + "0".repeat(32) + good.substring(36);
    for (String bad : List.of(wrongSecret, unknownId, "", "vdc_", "garbage", good + "x")) {
      assertThat(credentials.verify(bad)).as(bad).isEmpty();
    }
    String credentialId = good.substring(4, 36);
    assertThat(
            new CredentialRepository(db.jdbi())
                .revoke(bob, i.deviceId(), credentialId, clock.millis()))
        .isFalse();
    assertThat(credentials.verify(good)).isPresent();
    assertThat(
            new CredentialRepository(db.jdbi())
                .revoke(alice, i.deviceId(), credentialId, clock.millis()))
        .isTrue();
    assertThat(credentials.verify(good)).isEmpty();
    clock.advance(Duration.ofDays(366));
    assertThat(credentials.verify(good)).isEmpty();
  }

  private static Object outcome(Runnable action) {
    try {
      action.run();
      return "ok";
    } catch (PairingException e) {
      return e.kind();
    }
  }

  private static <T> List<T> race(int n, Callable<T> task) throws Exception {
    List<Callable<T>> tasks = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      tasks.add(task);
    }
    return race(tasks);
  }

  private static <T> List<T> race(List<Callable<T>> tasks) throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<T>> futures = new ArrayList<>();
      for (Callable<T> task : tasks) {
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  return task.call();
                }));
      }
      start.countDown();
      List<T> results = new ArrayList<>();
      for (Future<T> f : futures) {
        results.add(f.get());
      }
      return results;
    }
  }
}
