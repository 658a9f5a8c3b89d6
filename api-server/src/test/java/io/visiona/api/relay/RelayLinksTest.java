package io.visiona.api.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.visiona.api.device.Device;
import io.visiona.api.device.DeviceRepository;
import io.visiona.api.persistence.Database;
import io.visiona.api.persistence.TestDatabases;
import io.visiona.api.persistence.UserRepository;
import io.visiona.api.presence.PresenceEvent;
import io.visiona.api.presence.PresenceRepository;
import io.visiona.api.presence.PresenceSettings;
import io.visiona.api.testing.MutableClock;
import io.visiona.server.signing.Direction;
import io.visiona.server.signing.KeyRing;
import io.visiona.server.signing.RequestSigner;
import io.visiona.server.signing.SignedHttpRequests;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry of relay links: one link per live replica, each dialling its own replica's {@code
 * /internal/link} (two real listeners stand in for two proxies and record the signed upgrade), a
 * device's stream sent to the replica its presence names, links to long-dead replicas closed.
 * Streams over real proxies: system-tests.
 */
class RelayLinksTest {

  private static final Duration LEASE = Duration.ofSeconds(30);

  @TempDir Path dir;
  private final MutableClock clock = MutableClock.startingNow();
  private Database db;
  private RelayLinks links;
  private final HttpServer[] proxies = new HttpServer[2];
  private final List<BlockingQueue<String>> dialled =
      List.of(new ArrayBlockingQueue<>(64), new ArrayBlockingQueue<>(64));

  @AfterEach
  void stop() {
    if (links != null) {
      links.close();
    }
    for (HttpServer p : proxies) {
      if (p != null) {
        p.stop(0);
      }
    }
    db.close();
  }

  private URI standInProxy(int i) throws Exception {
    HttpServer p = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    p.createContext(
        "/",
        ex -> {
          dialled.get(i).offer(ex.getRequestMethod() + " " + ex.getRequestURI().getPath());
          ex.sendResponseHeaders(503, -1); // refuses the upgrade: the link stays down, redials
          ex.close();
        });
    p.start();
    proxies[i] = p;
    return URI.create("http://127.0.0.1:" + p.getAddress().getPort());
  }

  @Test
  void oneLinkPerLiveReplicaAndStreamsGoWherePresenceSays() throws Exception {
    db = TestDatabases.open(TestDatabases.Kind.H2, dir);
    PresenceRepository presence = new PresenceRepository(db.jdbi());
    long owner = new UserRepository(db.jdbi()).upsertOnLogin("iss", "a", null, null, 0).id();
    db.jdbi()
        .useHandle(
            h -> DeviceRepository.insert(h, new Device("d1", owner, "d1", null, null, null, 0)));
    long now = clock.millis();
    URI p2 = standInProxy(1);
    presence.heartbeat("p1", "b1", standInProxy(0), 0, now, now + LEASE.toMillis());
    presence.heartbeat("p2", "b2", p2, 0, now, now + LEASE.toMillis());
    links =
        new RelayLinks(
            new RelaySettings(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofMillis(500)),
            presence,
            new PresenceSettings(LEASE, Duration.ofHours(1)),
            Optional.of(
                new SignedHttpRequests(
                    new RequestSigner(
                        Direction.API_TO_PROXY,
                        KeyRing.parse("a1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="),
                        clock))),
            clock);
    links.refresh();
    assertThat(links.links()).containsOnlyKeys("p1", "p2");
    for (BlockingQueue<String> q : dialled) {
      assertThat(q.poll(10, TimeUnit.SECONDS)).isEqualTo("GET /internal/link");
    }

    assertThatThrownBy(() -> links.open("d1"))
        .isInstanceOf(RelayException.class)
        .extracting(e -> ((RelayException) e).reason())
        .isEqualTo(RelayException.Reason.DEVICE_OFFLINE);
    presence.apply(
        "p2", "b2", List.of(new PresenceEvent(PresenceEvent.Type.CONNECT, "d1", "c-1", 1)), now);
    // p2 holds the tunnel: the stream goes to p2's link (down here, so it says which one).
    assertThatThrownBy(() -> links.open("d1"))
        .isInstanceOf(RelayException.class)
        .hasMessageContaining("replica p2")
        .extracting(e -> ((RelayException) e).reason())
        .isEqualTo(RelayException.Reason.RELAY_UNAVAILABLE);

    // p1 stops beating: its link stays through one more lease, then goes.
    clock.advance(LEASE);
    presence.heartbeat("p2", "b2", p2, 0, clock.millis(), clock.millis() + LEASE.toMillis());
    links.refresh();
    assertThat(links.links()).containsOnlyKeys("p1", "p2");
    clock.advance(LEASE);
    presence.heartbeat("p2", "b2", p2, 0, clock.millis(), clock.millis() + LEASE.toMillis());
    links.refresh();
    assertThat(links.links()).containsOnlyKeys("p2");
    assertThat(links.readiness().call().details()).containsKey("replica p2");
  }

  @Test
  void theLinkUrlIsTheInternalUrlWithTheWebSocketScheme() {
    db = TestDatabases.open(TestDatabases.Kind.H2, dir);
    assertThat(RelayLinks.linkUrl(URI.create("http://10.0.0.5:3801")))
        .isEqualTo(URI.create("ws://10.0.0.5:3801/internal/link"));
    assertThat(RelayLinks.linkUrl(URI.create("https://p1.internal/base/")))
        .isEqualTo(URI.create("wss://p1.internal/base/internal/link"));
  }
}
