package io.visiona.proxy.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.visiona.proxy.ProxySettings;
import io.visiona.proxy.auth.AgentAuthenticator;
import io.visiona.proxy.auth.AgentIdentity;
import io.visiona.proxy.support.EchoServer;
import io.visiona.proxy.support.JavaAgent;
import io.visiona.proxy.support.MapAuthenticator;
import io.visiona.proxy.support.ProxyFixture;
import io.visiona.proxy.support.RawHttp;
import io.visiona.proxy.support.RelayLinkClient;
import io.visiona.proxy.ws.YamuxSettings;
import io.visiona.tunnel.Config;
import io.visiona.tunnel.Stream;
import jakarta.json.Json;
import java.io.StringReader;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** One test per limit of the tunnel listener. */
@Timeout(60)
class TunnelLimitsTest {

  private static ProxySettings withTunnel(TunnelSettings t) {
    return ProxySettings.loopback().withTunnel(t);
  }

  private static String errorCode(RawHttp.Response r) {
    return Json.createReader(new StringReader(r.body()))
        .readObject()
        .getJsonObject("error")
        .getString("code");
  }

  @Test
  void maxAgents() throws Exception {
    MapAuthenticator auth = new MapAuthenticator().add("c1", "d1").add("c2", "d2").add("c3", "d3");
    try (EchoServer echo = new EchoServer();
        ProxyFixture f =
            new ProxyFixture(withTunnel(TunnelSettings.defaults().withMaxAgents(2)), auth);
        JavaAgent a1 = JavaAgent.connect(f.tunnelUri(), "c1", echo.address());
        JavaAgent a2 = JavaAgent.connect(f.tunnelUri(), "c2", echo.address())) {
      await().until(() -> f.proxy.registry().size() == 2);
      RawHttp.Response third =
          RawHttp.upgrade(f.proxy.tunnelPort(), "/v1/tunnel", Map.of("Authorization", "Bearer c3"));
      assertThat(third.status()).isEqualTo(503);
      assertThat(errorCode(third)).as(third.text()).isEqualTo("TOO_MANY_AGENTS");
      // A device that is already connected may still replace its tunnel at the limit.
      try (JavaAgent again = JavaAgent.connect(f.tunnelUri(), "c1", echo.address())) {
        assertThat(a1.session().awaitClosed(Duration.ofSeconds(5))).isTrue();
        assertThat(f.proxy.registry().size()).isEqualTo(2);
      }
    }
  }

  @Test
  void maxStreamsPerAgent() throws Exception {
    TunnelSettings t =
        TunnelSettings.defaults().withYamux(YamuxSettings.tunnelDefaults().withMaxStreams(2));
    try (EchoServer echo = new EchoServer();
        ProxyFixture f = new ProxyFixture(withTunnel(t), new MapAuthenticator().add("c", "d"));
        JavaAgent agent = JavaAgent.connect(f.tunnelUri(), "c", echo.address());
        RelayLinkClient link = f.link()) {
      await().until(() -> f.proxy.registry().size() == 1);
      List<Stream> held = new ArrayList<>();
      held.add(link.open("d"));
      held.add(link.open("d"));
      assertThatThrownBy(() -> link.open("d"))
          .isInstanceOfSatisfying(
              RelayLinkClient.Refused.class, e -> assertThat(e.code).isEqualTo("TOO_MANY_STREAMS"));
      held.forEach(Stream::reset);
      await().until(() -> f.proxy.registry().openStreams() == 0);
      Stream again = link.open("d");
      again.reset();
    }
  }

  @Test
  void perSessionMemoryBudget() throws Exception {
    // Two streams' initial windows (256 KiB each) fit, a third does not.
    TunnelSettings t =
        TunnelSettings.defaults()
            .withYamux(YamuxSettings.tunnelDefaults().withMemoryBudget(2 * 256 * 1024));
    try (EchoServer echo = new EchoServer();
        ProxyFixture f = new ProxyFixture(withTunnel(t), new MapAuthenticator().add("c", "d"));
        JavaAgent agent = JavaAgent.connect(f.tunnelUri(), "c", echo.address());
        RelayLinkClient link = f.link()) {
      await().until(() -> f.proxy.registry().size() == 1);
      Stream s1 = link.open("d");
      Stream s2 = link.open("d");
      assertThatThrownBy(() -> link.open("d"))
          .isInstanceOfSatisfying(
              RelayLinkClient.Refused.class,
              e -> assertThat(e.code).isEqualTo("MEMORY_BUDGET_EXHAUSTED"));
      s1.reset();
      s2.reset();
    }
  }

  @Test
  void maxWebSocketFrameSize() throws Exception {
    TunnelSettings t = TunnelSettings.defaults().withMaxFrameLength(64 * 1024);
    try (ProxyFixture f = new ProxyFixture(withTunnel(t), new MapAuthenticator().add("c", "d"))) {
      CountDownLatch closed = new CountDownLatch(1);
      WebSocket ws =
          f.rawTunnel(
              "c",
              new WebSocket.Listener() {
                @Override
                public java.util.concurrent.CompletionStage<?> onClose(
                    WebSocket w, int code, String reason) {
                  closed.countDown();
                  return null;
                }

                @Override
                public void onError(WebSocket w, Throwable error) {
                  closed.countDown();
                }
              });
      await().until(() -> f.proxy.registry().size() == 1);
      // A frame within the limit is fine (it is a yamux ping, answered by the session).
      ws.sendBinary(ByteBuffer.wrap(new byte[] {0, 2, 0, 1, 0, 0, 0, 0, 0, 0, 0, 7}), true)
          .get(5, TimeUnit.SECONDS);
      assertThat(f.proxy.registry().size()).isEqualTo(1);
      ws.sendBinary(ByteBuffer.wrap(new byte[128 * 1024]), true);
      await().atMost(Duration.ofSeconds(10)).until(() -> f.proxy.registry().size() == 0);
      assertThat(closed.await(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void handshakeTimeout() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AgentAuthenticator stuck =
        credential -> {
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return Optional.of(new AgentIdentity("d", "o"));
        };
    TunnelSettings t = TunnelSettings.defaults().withHandshakeTimeout(Duration.ofMillis(300));
    try (ProxyFixture f = new ProxyFixture(withTunnel(t), stuck)) {
      long start = System.nanoTime();
      RawHttp.Response r =
          RawHttp.upgrade(f.proxy.tunnelPort(), "/v1/tunnel", Map.of("Authorization", "Bearer c"));
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertThat(r.status()).isEqualTo(503);
      assertThat(errorCode(r)).isEqualTo("AUTH_UNAVAILABLE");
      assertThat(millis).isGreaterThanOrEqualTo(250).isLessThan(30_000);
      assertThat(f.proxy.registry().size()).isZero();
    } finally {
      release.countDown();
    }
  }

  @Test
  void idleTimeout() throws Exception {
    TunnelSettings t =
        TunnelSettings.defaults()
            .withIdleTimeout(Duration.ofSeconds(2))
            .withYamux(YamuxSettings.tunnelDefaults().withKeepAlive(Duration.ZERO));
    Config quietAgent =
        JavaAgent.agentConfig().toBuilder()
            .keepAliveInterval(Duration.ZERO)
            .maxWindow(256 * 1024)
            .build();
    try (EchoServer echo = new EchoServer();
        ProxyFixture f = new ProxyFixture(withTunnel(t), new MapAuthenticator().add("c", "d"));
        JavaAgent agent = JavaAgent.connect(f.tunnelUri(), "c", echo.address(), quietAgent)) {
      await().until(() -> f.proxy.registry().size() == 1);
      assertThat(agent.session().awaitClosed(Duration.ofSeconds(10))).isTrue();
      await().atMost(Duration.ofSeconds(5)).until(() -> f.proxy.registry().size() == 0);
    }
  }

  @Test
  void keepaliveKeepsAnIdleTunnelOpenPastTheIdleTimeout() throws Exception {
    TunnelSettings t =
        TunnelSettings.defaults()
            .withIdleTimeout(Duration.ofSeconds(4))
            .withYamux(
                YamuxSettings.tunnelDefaults()
                    .withKeepAlive(Duration.ofMillis(200), Duration.ofMillis(1500)));
    try (EchoServer echo = new EchoServer();
        ProxyFixture f = new ProxyFixture(withTunnel(t), new MapAuthenticator().add("c", "d"));
        JavaAgent agent = JavaAgent.connect(f.tunnelUri(), "c", echo.address())) {
      await().until(() -> f.proxy.registry().size() == 1);
      // Helidon's idle clock ticks in whole seconds: wait well past two timeouts.
      assertThat(agent.session().awaitClosed(Duration.ofSeconds(9))).isFalse();
      assertThat(f.proxy.registry().size()).isEqualTo(1);
    }
  }
}
