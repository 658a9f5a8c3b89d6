package io.visiona.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.visiona.proxy.support.EchoServer;
import io.visiona.proxy.support.JavaAgent;
import io.visiona.proxy.support.MapAuthenticator;
import io.visiona.proxy.support.ProxyFixture;
import io.visiona.proxy.support.RawHttp;
import io.visiona.proxy.support.RelayLinkClient;
import io.visiona.tunnel.Stream;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(180)
class DrainTest {

  @Test
  void drainSendsGoAwayRefusesNewWorkWaitsForOpenStreamsThenStops() throws Exception {
    try (EchoServer echo = new EchoServer();
        ProxyFixture f =
            new ProxyFixture(
                ProxySettings.loopback(),
                new MapAuthenticator().add("c", "box").add("d", "other"));
        JavaAgent agent = JavaAgent.connect(f.tunnelUri(), "c", echo.address());
        RelayLinkClient link = f.link()) {
      await().until(() -> f.proxy.registry().size() == 1);
      Stream open = link.open("box");
      int tunnelPort = f.proxy.tunnelPort();

      Thread drain = Thread.ofVirtual().start(() -> f.proxy.drainAndStop(Duration.ofSeconds(60)));

      await().atMost(Duration.ofSeconds(30)).until(() -> agent.session().peerGoingAway());
      assertThat(f.plainGet("/observe/health/ready").statusCode()).isEqualTo(503);
      RawHttp.Response refused =
          RawHttp.upgrade(tunnelPort, "/v1/tunnel", Map.of("Authorization", "Bearer d"));
      assertThat(refused.status()).isEqualTo(503);
      assertThat(refused.body()).contains("DRAINING");
      RawHttp.Response linkRefused =
          RawHttp.upgrade(f.proxy.internalPort(), "/internal/link", f.linkUpgradeHeaders());
      assertThat(linkRefused.status()).isEqualTo(503);
      assertThat(linkRefused.body()).contains("DRAINING");
      // The open stream still works during the grace period.
      open.outputStream().write("still here".getBytes());
      byte[] back = open.inputStream().readNBytes(10);
      assertThat(new String(back)).isEqualTo("still here");
      assertThat(drain.isAlive()).isTrue();

      open.close();
      // Well before the 60 s grace period: the drain ended because the stream did.
      assertThat(drain.join(Duration.ofSeconds(45))).isTrue();
      assertThat(agent.session().awaitClosed(Duration.ofSeconds(30))).isTrue();
    }
  }

  @Test
  void drainStopsAfterTheGracePeriodEvenWithStreamsOpen() throws Exception {
    try (EchoServer echo = new EchoServer();
        ProxyFixture f =
            new ProxyFixture(ProxySettings.loopback(), new MapAuthenticator().add("c", "box"));
        JavaAgent agent = JavaAgent.connect(f.tunnelUri(), "c", echo.address());
        RelayLinkClient link = f.link()) {
      await().until(() -> f.proxy.registry().size() == 1);
      Stream open = link.open("box");
      long start = System.nanoTime();
      f.proxy.drainAndStop(Duration.ofMillis(500));
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      // The grace period is waited out (the stream stays open); the upper bound only catches a
      // hang.
      assertThat(millis).isBetween(450L, 60_000L);
      assertThat(agent.session().awaitClosed(Duration.ofSeconds(30))).isTrue();
      open.reset();
    }
  }

  /**
   * At the end of the drain every agent gets a WebSocket close frame with 1001 (going away) before
   * the connection ends, so that even a client on the JDK's default HttpClient (callbacks on a
   * pool, which can miss a bare FIN) learns that its tunnel is over.
   */
  @Test
  void drainEndsEveryTunnelWithAGoingAwayCloseFrame() throws Exception {
    try (ProxyFixture f =
        new ProxyFixture(ProxySettings.loopback(), new MapAuthenticator().add("c", "box"))) {
      CompletableFuture<Integer> closeCode = new CompletableFuture<>();
      WebSocket ws =
          f.rawTunnel(
              "c",
              new WebSocket.Listener() {
                @Override
                public CompletionStage<?> onBinary(
                    WebSocket webSocket, ByteBuffer data, boolean last) {
                  webSocket.request(1); // the proxy's yamux frames (GoAway): not answered
                  return null;
                }

                @Override
                public CompletionStage<?> onClose(
                    WebSocket webSocket, int statusCode, String reason) {
                  closeCode.complete(statusCode);
                  return null;
                }

                @Override
                public void onError(WebSocket webSocket, Throwable error) {
                  closeCode.completeExceptionally(error);
                }
              });
      await().until(() -> f.proxy.registry().size() == 1);

      f.proxy.drainAndStop(Duration.ofMillis(200));

      assertThat(closeCode.get(10, TimeUnit.SECONDS)).isEqualTo(1001);
      assertThat(f.proxy.registry().size()).isZero();
      ws.abort();
    }
  }
}
