package io.visiona.proxy.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.visiona.proxy.ProxySettings;
import io.visiona.proxy.support.EchoServer;
import io.visiona.proxy.support.JavaAgent;
import io.visiona.proxy.support.MapAuthenticator;
import io.visiona.proxy.support.ProxyFixture;
import io.visiona.proxy.support.RawHttp;
import io.visiona.proxy.support.RelayLinkClient;
import io.visiona.tunnel.Stream;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The public tunnel listener bounds request heads (slowloris) without cutting established tunnels,
 * which follow {@code proxy.tunnel.idle-timeout} only; readiness reports every listener.
 */
@Timeout(60)
class TunnelListenerTest {

  static final Duration HEAD = Duration.ofSeconds(1);

  private ProxyFixture fixture;
  private EchoServer echo;

  @BeforeEach
  void start() throws IOException {
    ProxySettings d = ProxySettings.loopback();
    fixture =
        new ProxyFixture(
            d.withTunnelListener(
                d.tunnelListener().withRequestHeadTimeout(HEAD).withHttpIdleTimeout(HEAD)),
            new MapAuthenticator().add("c", "box"));
    echo = new EchoServer();
  }

  @AfterEach
  void stop() throws IOException {
    fixture.close();
    echo.close();
  }

  @Test
  void aTrickledUpgradeRequestIsClosedWithinTheHeadTimeout() throws Exception {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), fixture.proxy.tunnelPort())) {
      OutputStream out = s.getOutputStream();
      long start = System.nanoTime();
      out.write(
          "GET /v1/tunnel HTTP/1.1\r\nHost: proxy\r\nUpgrade: websocket\r\n"
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      boolean closed = false;
      for (int i = 0; i < 100 && !closed; i++) {
        try {
          out.write(("X-Slow-" + i + ": 1\r\n").getBytes(StandardCharsets.US_ASCII));
          out.flush();
          s.setSoTimeout(100);
          closed = s.getInputStream().read() == -1;
        } catch (SocketTimeoutException stillOpen) {
          // next header line
        } catch (SocketException reset) {
          closed = true;
        }
      }
      assertThat(closed).as("closed by the proxy").isTrue();
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
          .isLessThan(HEAD.toMillis() + 2000);
    }
  }

  @Test
  void aCompleteRequestIsAnswered() throws Exception {
    RawHttp.Response r = RawHttp.upgrade(fixture.proxy.tunnelPort(), "/v1/tunnel", Map.of());
    assertThat(r.status()).isEqualTo(401);
  }

  @Test
  void aTunnelIdleLongerThanTheHeadTimeoutStaysUp() throws Exception {
    try (JavaAgent agent = JavaAgent.connect(fixture.tunnelUri(), "c", echo.address());
        RelayLinkClient link = fixture.link()) {
      await().until(() -> fixture.proxy.registry().size() == 1);
      AgentTunnel tunnel = fixture.proxy.registry().find("box").orElseThrow();
      // Three head timeouts without a frame (keepalives come every 30 s): the tunnel stays.
      await()
          .during(HEAD.multipliedBy(3))
          .atMost(HEAD.multipliedBy(6))
          .until(() -> fixture.proxy.registry().find("box").orElse(null) == tunnel);
      Stream s = link.open("box");
      s.outputStream().write("still here".getBytes(StandardCharsets.US_ASCII));
      s.outputStream().flush();
      assertThat(new String(s.inputStream().readNBytes(10), StandardCharsets.US_ASCII))
          .isEqualTo("still here");
      s.close();
    }
  }

  @Test
  void readinessCoversBothListeners() throws Exception {
    var ready = fixture.plainGet("/observe/health/ready");
    assertThat(ready.statusCode()).isEqualTo(200);
    JsonObject listeners =
        Json.createReader(new StringReader(ready.body()))
            .readObject()
            .getJsonArray("checks")
            .stream()
            .map(v -> v.asJsonObject())
            .filter(c -> c.getString("name").equals("listeners"))
            .findFirst()
            .orElseThrow();
    assertThat(listeners.getString("status")).isEqualTo("UP");
    assertThat(listeners.getJsonObject("data").keySet())
        .containsExactlyInAnyOrder("@default", "internal");
  }
}
