package io.visiona.proxy.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.visiona.proxy.ProxySettings;
import io.visiona.proxy.support.EchoServer;
import io.visiona.proxy.support.LocalHttpServer;
import io.visiona.proxy.support.MapAuthenticator;
import io.visiona.proxy.support.ProxyFixture;
import io.visiona.proxy.support.RawHttp;
import io.visiona.proxy.support.RelayLinkClient;
import io.visiona.tunnel.Stream;
import io.visiona.tunnel.gopeer.GoPeer;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Small request/response exchanges with the Go agent must not wait for delayed ACKs: with Nagle's
 * algorithm on the proxy's sockets (Helidon's default), the proxy's second small write waits for
 * the Go peer's delayed ACK, about 40 ms, on every exchange that opens a stream.
 */
@Timeout(120)
class GoAgentLatencyTest {

  static final int EXCHANGES = 200;
  static final int SIZE = 1024;

  /** Exchanges before the measured ones (JIT, connection set-up). */
  static final int WARM_UP = 20;

  /**
   * A delayed-ACK stall costs about 40 ms on nearly every exchange, so it moves the median; the
   * tail is left alone because build machines are shared (a quiet machine's p99 is in
   * BENCHMARKS.md).
   */
  static final double P50_LIMIT_MILLIS = 20;

  private ProxyFixture fixture;
  private EchoServer echo;
  private LocalHttpServer box;

  @BeforeEach
  void start() throws IOException {
    fixture =
        new ProxyFixture(
            settings(), new MapAuthenticator().add("go-http", "go-box").add("go-echo", "go-echo"));
    echo = new EchoServer();
    box = new LocalHttpServer("go-box");
  }

  /**
   * The defaults ({@code TCP_NODELAY} on); {@code -Dlatency.tcp-no-delay=false} turns it off on
   * both listeners to show the stall (see remote-proxy/BENCHMARKS.md).
   */
  static ProxySettings settings() {
    boolean noDelay = Boolean.parseBoolean(System.getProperty("latency.tcp-no-delay", "true"));
    ProxySettings d = ProxySettings.loopback();
    return d.withTunnelListener(d.tunnelListener().withTcpNoDelay(noDelay))
        .withInternalListener(d.internalListener().withTcpNoDelay(noDelay));
  }

  @AfterEach
  void stop() throws IOException {
    fixture.close();
    echo.close();
    box.close();
  }

  private GoPeer agent(String credential, InetSocketAddress target) {
    return GoPeer.agent(
        fixture.tunnelUri(), Map.of("Authorization", "Bearer " + credential), target);
  }

  @Test
  void smallExchangesThroughARelayStreamDoNotStall() throws Exception {
    try (GoPeer agent = agent("go-echo", echo.address());
        RelayLinkClient link = fixture.link()) {
      await().until(() -> fixture.proxy.registry().size() == 1);
      Stream s = link.open("go-echo");
      OutputStream out = s.outputStream();
      InputStream in = s.inputStream();
      byte[] sent = new byte[SIZE];
      byte[] back = new byte[SIZE];
      long[] nanos = new long[EXCHANGES];
      for (int i = -WARM_UP; i < EXCHANGES; i++) {
        Arrays.fill(sent, (byte) i);
        long t0 = System.nanoTime();
        out.write(sent);
        out.flush();
        int n = 0;
        while (n < SIZE) {
          int r = in.read(back, n, SIZE - n);
          assertThat(r).isPositive();
          n += r;
        }
        if (i >= 0) {
          nanos[i] = System.nanoTime() - t0;
        }
        assertThat(back).isEqualTo(sent);
      }
      s.close();
      Latencies l = Latencies.of("relay stream", nanos);
      System.out.println(l);
      assertThat(l.p50Millis()).isLessThan(P50_LIMIT_MILLIS);
    }
  }

  @Test
  void smallPostsEachOnANewRelayStreamDoNotStall() throws Exception {
    try (GoPeer agent = agent("go-http", box.address());
        RelayLinkClient link = fixture.link()) {
      await().until(() -> fixture.proxy.registry().find("go-box").isPresent());
      byte[] body = new byte[SIZE];
      Arrays.fill(body, (byte) 'y');
      byte[] head =
          ("POST /echo HTTP/1.1\r\nHost: box\r\nContent-Length: "
                  + SIZE
                  + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII);
      long[] nanos = new long[EXCHANGES];
      for (int i = -WARM_UP; i < EXCHANGES; i++) {
        long t0 = System.nanoTime();
        Stream s = link.open("go-box");
        OutputStream out = s.outputStream();
        out.write(head);
        out.flush();
        out.write(body);
        out.flush();
        RawHttp.Response r = RawHttp.read(s.inputStream());
        if (i >= 0) {
          nanos[i] = System.nanoTime() - t0;
        }
        s.close();
        assertThat(r.status()).isEqualTo(201);
        assertThat(r.body()).hasSize(SIZE);
      }
      Latencies l = Latencies.of("new relay stream", nanos);
      System.out.println(l);
      assertThat(l.p50Millis()).isLessThan(P50_LIMIT_MILLIS);
    }
  }

  @Test
  void smallJsonForwardsDoNotStall() throws Exception {
    try (GoPeer agent = agent("go-http", box.address())) {
      await().until(() -> fixture.proxy.registry().find("go-box").isPresent());
      byte[] body = new byte[SIZE];
      Arrays.fill(body, (byte) 'x');
      String request =
          "{\"device_id\":\"go-box\",\"method\":\"POST\",\"path\":\"/echo\",\"body\":\""
              + Base64.getEncoder().encodeToString(body)
              + "\"}";
      long[] nanos = new long[EXCHANGES];
      for (int i = -WARM_UP; i < EXCHANGES; i++) {
        long t0 = System.nanoTime();
        var response = fixture.post("/internal/forward/http", request);
        if (i >= 0) {
          nanos[i] = System.nanoTime() - t0;
        }
        assertThat(response.statusCode()).isEqualTo(200);
        JsonObject r = GoAgentTest.json(response.body());
        assertThat(r.getInt("status")).isEqualTo(201);
        assertThat(Base64.getDecoder().decode(r.getString("body"))).isEqualTo(body);
      }
      Latencies l = Latencies.of("forward/http", nanos);
      System.out.println(l);
      assertThat(l.p50Millis()).isLessThan(P50_LIMIT_MILLIS);
    }
  }

  /** Percentiles of one run, in milliseconds. */
  record Latencies(String what, double p50Millis, double p99Millis, double maxMillis) {
    static Latencies of(String what, long[] nanos) {
      long[] sorted = nanos.clone();
      Arrays.sort(sorted);
      return new Latencies(
          what,
          millis(sorted[sorted.length / 2]),
          millis(sorted[(int) Math.ceil(sorted.length * 0.99) - 1]),
          millis(sorted[sorted.length - 1]));
    }

    private static double millis(long nanos) {
      return nanos / 1e6;
    }

    @Override
    public String toString() {
      return String.format(
          "%s: %d exchanges of %d bytes, p50 %.2f ms, p99 %.2f ms, max %.2f ms",
          what, EXCHANGES, SIZE, p50Millis, p99Millis, maxMillis);
    }
  }
}
