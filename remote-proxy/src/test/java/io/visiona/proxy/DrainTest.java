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
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
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

      Thread drain =
          Thread.ofVirtual()
              .start(
                  () ->
                      f.lifecycle.drainAndStop(
                          f.proxy.webServer(),
                          Duration.ofSeconds(30),
                          f.proxy::beginDrain,
                          f.proxy::idle));

      await().until(() -> agent.session().peerGoingAway());
      assertThat(f.plainGet("/observe/health/ready").statusCode()).isEqualTo(503);
      RawHttp.Response refused =
          RawHttp.upgrade(tunnelPort, "/v1/tunnel", Map.of("Authorization", "Bearer d"));
      assertThat(refused.status()).isEqualTo(503);
      assertThat(refused.body()).contains("DRAINING");
      // The open stream still works during the grace period.
      open.outputStream().write("still here".getBytes());
      byte[] back = open.inputStream().readNBytes(10);
      assertThat(new String(back)).isEqualTo("still here");
      assertThat(drain.isAlive()).isTrue();

      open.close();
      assertThat(drain.join(Duration.ofSeconds(10))).isTrue();
      assertThat(agent.session().awaitClosed(Duration.ofSeconds(5))).isTrue();
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
      f.lifecycle.drainAndStop(
          f.proxy.webServer(), Duration.ofMillis(500), f.proxy::beginDrain, f.proxy::idle);
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertThat(millis).isBetween(450L, 10_000L);
      assertThat(agent.session().awaitClosed(Duration.ofSeconds(5))).isTrue();
      open.reset();
    }
  }
}
