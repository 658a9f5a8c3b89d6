package io.visiona.api.presence;

import static io.visiona.api.presence.PresenceEvent.Type.CONNECT;
import static io.visiona.api.presence.PresenceEvent.Type.DISCONNECT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.visiona.api.device.Device;
import io.visiona.api.device.DeviceRepository;
import io.visiona.api.persistence.Database;
import io.visiona.api.persistence.TestDatabases;
import io.visiona.api.persistence.TestDatabases.Kind;
import io.visiona.api.persistence.UserRepository;
import io.visiona.api.presence.PresenceRepository.Closing;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The presence rules of ADR 0028, against H2 and a real PostgreSQL. */
class PresenceRepositoryTest {

  private static final long LEASE = 30_000;
  private static final URI P1 = URI.create("http://10.0.0.1:3801");
  private static final URI P2 = URI.create("http://10.0.0.2:3801");

  @TempDir Path dir;
  private long now = 1_000_000;

  private Database db;
  private PresenceRepository presence;
  private long owner;

  @AfterEach
  void close() {
    if (db != null) {
      db.close();
    }
  }

  private void open(Kind kind) {
    db = TestDatabases.open(kind, dir);
    presence = new PresenceRepository(db.jdbi());
    owner = new UserRepository(db.jdbi()).upsertOnLogin("iss", "alice", null, null, 0).id();
  }

  private String device(String id) {
    db.jdbi()
        .useHandle(h -> DeviceRepository.insert(h, new Device(id, owner, id, null, null, null, 0)));
    return id;
  }

  private void beat(String replica, String boot, URI url) {
    presence.heartbeat(replica, boot, url, 0, now, now + LEASE);
  }

  private static PresenceEvent connect(String device, String connection, long at) {
    return new PresenceEvent(CONNECT, device, connection, at);
  }

  private static PresenceEvent disconnect(String device, String connection) {
    return new PresenceEvent(DISCONNECT, device, connection, 0);
  }

  private PresenceRepository.Applied apply(String replica, String boot, PresenceEvent... events)
      throws StaleBootException {
    return presence.apply(replica, boot, List.of(events), now);
  }

  private String liveOn(String device) {
    return presence.live(device, now).map(l -> l.replicaId() + "/" + l.connectionId()).orElse(null);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void aNewerConnectElsewhereWinsAndFencesTheOlderReplica(Kind kind) throws Exception {
    open(kind);
    {
      String d = device("d1");
      beat("p1", "b1", P1);
      beat("p2", "b2", P2);
      assertThat(apply("p1", "b1", connect(d, "c-1", 100)).close()).isEmpty();
      assertThat(liveOn(d)).isEqualTo("p1/c-1");
      assertThat(presence.live(d, now).orElseThrow().epoch()).isEqualTo(1);

      PresenceRepository.Applied newer = apply("p2", "b2", connect(d, "c-9", 200));
      assertThat(newer.close()).isEmpty();
      assertThat(newer.fences()).containsExactly(new PresenceRepository.Fence(d, "c-1", "p1", P1));
      assertThat(liveOn(d)).isEqualTo("p2/c-9");
      assertThat(presence.live(d, now).orElseThrow().epoch()).isEqualTo(2);

      // A late connect, older than the row: not accepted, listed for its replica to close.
      PresenceRepository.Applied late = apply("p1", "b1", connect(d, "c-2", 150));
      assertThat(late.close()).containsExactly(new Closing(d, "c-2"));
      assertThat(late.fences()).isEmpty();
      assertThat(liveOn(d)).isEqualTo("p2/c-9");

      // A retried connect of the current connection changes nothing.
      assertThat(apply("p2", "b2", connect(d, "c-9", 200)).close()).isEmpty();
      assertThat(presence.live(d, now).orElseThrow().epoch()).isEqualTo(2);
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void aTunnelEndedOnRequestGoesAtOnceButNeverTakesANewerConnectionWithIt(Kind kind)
      throws Exception {
    open(kind);
    String d = device("d1");
    beat("p1", "b1", P1);
    beat("p2", "b2", P2);
    apply("p1", "b1", connect(d, "c-1", 100));
    PresenceRepository.Live closed = presence.live(d, now).orElseThrow();
    apply("p2", "b2", connect(d, "c-9", 200)); // reconnected elsewhere before the close returned

    presence.ended(closed);
    assertThat(liveOn(d)).isEqualTo("p2/c-9");

    presence.ended(presence.live(d, now).orElseThrow());
    assertThat(liveOn(d)).isNull();
    // The replica's disconnect event, arriving later, changes nothing.
    assertThat(apply("p2", "b2", disconnect(d, "c-9")).close()).isEmpty();
    assertThat(liveOn(d)).isNull();
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void equalTimesAreDecidedByReplicaThenConnection(Kind kind) throws Exception {
    open(kind);
    {
      String d = device("d1");
      beat("p1", "b1", P1);
      beat("p2", "b2", P2);
      apply("p2", "b2", connect(d, "c-1", 100));
      assertThat(apply("p1", "b1", connect(d, "c-5", 100)).close()).hasSize(1);
      assertThat(apply("p2", "b2", connect(d, "c-2", 100)).close()).isEmpty();
      assertThat(liveOn(d)).isEqualTo("p2/c-2");
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void aLateDisconnectNeverErasesTheNewerPresence(Kind kind) throws Exception {
    open(kind);
    {
      String d = device("d1");
      beat("p1", "b1", P1);
      beat("p2", "b2", P2);
      apply("p1", "b1", connect(d, "c-1", 100));
      apply("p2", "b2", connect(d, "c-1", 200));
      // p1's disconnect for its older tunnel arrives after p2's connect: ignored.
      apply("p1", "b1", disconnect(d, "c-1"));
      assertThat(liveOn(d)).isEqualTo("p2/c-1");
      // On the same replica, a replaced tunnel's disconnect after the new connect: ignored too.
      apply("p2", "b2", connect(d, "c-2", 300), disconnect(d, "c-1"));
      assertThat(liveOn(d)).isEqualTo("p2/c-2");
      apply("p2", "b2", disconnect(d, "c-2"));
      assertThat(liveOn(d)).isNull();
      // The epoch goes on from where it was: three connects were accepted before this one.
      apply("p1", "b1", connect(d, "c-3", 400));
      assertThat(presence.live(d, now).orElseThrow().epoch()).isEqualTo(4);
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void aDeadReplicasDevicesGoOfflineAndComeBackElsewhere(Kind kind) throws Exception {
    open(kind);
    {
      String d = device("d1");
      beat("p1", "b1", P1);
      beat("p2", "b2", P2);
      apply("p1", "b1", connect(d, "c-1", 100));
      now += LEASE - 1;
      beat("p2", "b2", P2);
      assertThat(liveOn(d)).isEqualTo("p1/c-1");
      now += 1; // p1 missed its heartbeat: its lease is over
      assertThat(liveOn(d)).isNull();
      assertThat(presence.liveForOwner(owner, now)).isEmpty();
      // The agent reconnects through the load balancer to p2, with an older clock even: the dead
      // row does not count, and a dead replica is not fenced.
      PresenceRepository.Applied back = apply("p2", "b2", connect(d, "c-7", 50));
      assertThat(back.close()).isEmpty();
      assertThat(back.fences()).isEmpty();
      assertThat(presence.liveForOwner(owner, now)).containsOnlyKeys(d);
      assertThat(liveOn(d)).isEqualTo("p2/c-7");
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void aNewBootKillsTheOldBootsRowsAndItsEvents(Kind kind) throws Exception {
    open(kind);
    {
      String d = device("d1");
      beat("p1", "b1", P1);
      apply("p1", "b1", connect(d, "c-1", 100));
      beat("p1", "b2", P1);
      assertThat(liveOn(d)).isNull();
      assertThatThrownBy(() -> apply("p1", "b1", connect(d, "c-2", 200)))
          .isInstanceOf(StaleBootException.class);
      assertThatThrownBy(() -> apply("p9", "b1", connect(d, "c-2", 200)))
          .isInstanceOf(StaleBootException.class);
      // The new boot's connect is accepted even though its clock says earlier.
      apply("p1", "b2", connect(d, "c-1", 90));
      assertThat(liveOn(d)).isEqualTo("p1/c-1");
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void unknownDevicesAreIgnoredAndTheirTunnelsClosed(Kind kind) throws Exception {
    open(kind);
    {
      beat("p1", "b1", P1);
      PresenceRepository.Applied a =
          apply("p1", "b1", connect("gone", "c-1", 100), disconnect("gone", "c-1"));
      assertThat(a.close()).containsExactly(new Closing("gone", "c-1"));
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void deletingADeviceDeletesItsPresence(Kind kind) throws Exception {
    open(kind);
    {
      String d = device("d1");
      beat("p1", "b1", P1);
      apply("p1", "b1", connect(d, "c-1", 100));
      assertThat(new DeviceRepository(db.jdbi()).delete(owner, d)).isTrue();
      int rows =
          db.jdbi()
              .withHandle(
                  h ->
                      h.createQuery("SELECT COUNT(*) FROM device_presence")
                          .mapTo(Integer.class)
                          .one());
      assertThat(rows).isZero();
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void concurrentConnectsFromTwoReplicasLeaveTheNewestOnly(Kind kind) throws Exception {
    open(kind);
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<String> devices = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        devices.add(device("d" + i));
      }
      beat("p1", "b1", P1);
      beat("p2", "b2", P2);
      CyclicBarrier start = new CyclicBarrier(2);
      // Both replicas report every device in one batch, in opposite orders; p2's are newer.
      Callable<PresenceRepository.Applied> fromP1 =
          () -> {
            start.await(10, TimeUnit.SECONDS);
            return presence.apply(
                "p1", "b1", devices.stream().map(d -> connect(d, "c-1", 100)).toList(), now);
          };
      Callable<PresenceRepository.Applied> fromP2 =
          () -> {
            start.await(10, TimeUnit.SECONDS);
            return presence.apply(
                "p2",
                "b2",
                devices.reversed().stream().map(d -> connect(d, "c-1", 200)).toList(),
                now);
          };
      Future<PresenceRepository.Applied> a = pool.submit(fromP1);
      Future<PresenceRepository.Applied> b = pool.submit(fromP2);
      PresenceRepository.Applied p1 = a.get(60, TimeUnit.SECONDS);
      PresenceRepository.Applied p2 = b.get(60, TimeUnit.SECONDS);

      int rows =
          db.jdbi()
              .withHandle(
                  h ->
                      h.createQuery("SELECT COUNT(*) FROM device_presence")
                          .mapTo(Integer.class)
                          .one());
      assertThat(rows).isEqualTo(devices.size());
      for (String d : devices) {
        assertThat(liveOn(d)).as(d).isEqualTo("p2/c-1");
      }
      // Whichever ran first: p1's connects were either refused (close) or fenced afterwards.
      assertThat(p1.close().size() + p2.fences().size()).isEqualTo(devices.size());
      assertThat(p2.close()).isEmpty();
    }
  }
}
