package io.visiona.tunnel.pairing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The pairing client against a scripted server on a real socket. */
@Timeout(60)
class PairingClientTest {

  private static final String START =
      "{\"device_code\":\"dc-secret\",\"user_code\":\"BCDF-GHJK\","
          + "\"verification_uri\":\"http://x/pair\",\"verification_uri_complete\":"
          + "\"http://x/pair?code=BCDF-GHJK\",\"expires_in\":30,\"interval\":1}";
  private static final String ISSUED =
      "{\"device_id\":\"d-1\",\"credential\":\"vdc_abc\",\"tunnel_url\":"
          + "\"ws://proxy/v1/tunnel\",\"expires_at\":1800000000000}";

  private HttpServer server;
  private final Queue<String[]> tokenAnswers = new ConcurrentLinkedQueue<>();
  private final List<Long> pollTimes = new CopyOnWriteArrayList<>();
  private final List<String> bodies = new CopyOnWriteArrayList<>();

  private URI start() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/v1/pair/start",
        ex -> {
          bodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          reply(ex, 200, START);
        });
    server.createContext(
        "/v1/pair/token",
        ex -> {
          bodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          pollTimes.add(System.nanoTime());
          String[] a = tokenAnswers.poll();
          reply(ex, Integer.parseInt(a[0]), a[1]);
        });
    server.start();
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private static void reply(com.sun.net.httpserver.HttpExchange ex, int status, String body)
      throws java.io.IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(status, b.length);
    ex.getResponseBody().write(b);
    ex.close();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  private static PairingClient.BoxDescription box() {
    return new PairingClient.BoxDescription("Kitchen \"cam\"", "VX-1", "SN1", "1.0");
  }

  @Test
  void pollsAtTheIntervalSlowsDownWhenToldAndReturnsTheCredential() throws Exception {
    URI api = start();
    tokenAnswers.add(new String[] {"400", "{\"error\":\"authorization_pending\"}"});
    tokenAnswers.add(new String[] {"400", "{\"error\":\"slow_down\",\"interval\":2}"});
    tokenAnswers.add(new String[] {"200", ISSUED});
    List<PairingClient.UserCodePrompt> prompts = new CopyOnWriteArrayList<>();
    DeviceIdentity id = new PairingClient(api).pair(box(), prompts::add);

    assertThat(id.deviceId()).isEqualTo("d-1");
    assertThat(id.credential()).isEqualTo("vdc_abc");
    assertThat(id.tunnelUrl()).isEqualTo(URI.create("ws://proxy/v1/tunnel"));
    assertThat(prompts)
        .singleElement()
        .satisfies(p -> assertThat(p.userCode()).isEqualTo("BCDF-GHJK"));
    assertThat(bodies.get(0)).contains("\"name\":\"Kitchen \\\"cam\\\"\"");
    assertThat(bodies.get(1)).isEqualTo("{\"device_code\":\"dc-secret\"}");
    // 1 s between the first polls, then at least 1 + 5 s after slow_down
    long first = pollTimes.get(1) - pollTimes.get(0);
    long afterSlowDown = pollTimes.get(2) - pollTimes.get(1);
    assertThat(first).isGreaterThanOrEqualTo(1_000_000_000L);
    assertThat(afterSlowDown).isGreaterThanOrEqualTo(6_000_000_000L);
  }

  @Test
  void aDenialEndsPairing() throws Exception {
    URI api = start();
    tokenAnswers.add(new String[] {"400", "{\"error\":\"access_denied\"}"});
    assertThatThrownBy(() -> new PairingClient(api).pair(box(), p -> {}))
        .isInstanceOfSatisfying(
            PairingException.class,
            e -> assertThat(e.reason()).isEqualTo(PairingException.Reason.ACCESS_DENIED));
  }

  @Test
  void anExpiredPairingEndsPairing() throws Exception {
    URI api = start();
    tokenAnswers.add(new String[] {"400", "{\"error\":\"expired_token\"}"});
    assertThatThrownBy(() -> new PairingClient(api).pair(box(), p -> {}))
        .isInstanceOfSatisfying(
            PairingException.class,
            e -> assertThat(e.reason()).isEqualTo(PairingException.Reason.EXPIRED_TOKEN));
  }
}
