package io.visiona.server.listener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.visiona.server.Observability;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * With max-tcp-connections reached, further connections wait in the backlog and are served as soon
 * as others close: the listener survives, readiness stays UP.
 */
@Timeout(60)
class ConnectionLimitTest {

  static final int LIMIT = 3;
  static final String INTERNAL = "internal";

  private final ListenerProbe probe = new ListenerProbe();
  private final HttpClient http = HttpClient.newHttpClient();
  private WebServer server;

  @BeforeEach
  void start() {
    WebServerConfig.Builder b =
        WebServer.builder()
            .host("127.0.0.1")
            .port(0)
            .shutdownHook(false)
            .routing(r -> r.get("/hello", (req, res) -> res.send("hello")))
            .putSocket(
                INTERNAL,
                l -> {
                  l.host("127.0.0.1").port(0);
                  ListenerSettings.internalDefaults(10).applyTo(l);
                })
            .addFeature(Observability.feature(List.of(INTERNAL), List.of(probe.readiness())));
    ListenerSettings.publicDefaults(LIMIT).applyTo(b);
    server = b.build().start();
    probe
        .watch(server, WebServer.DEFAULT_SOCKET_NAME, "0.0.0.0")
        .watch(server, INTERNAL, "127.0.0.1");
  }

  @AfterEach
  void stop() {
    server.stop();
  }

  private Socket request() throws IOException {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port());
    OutputStream out = s.getOutputStream();
    out.write("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return s;
  }

  private int readiness() throws Exception {
    return http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:" + server.port(INTERNAL) + "/observe/health/ready"))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  @Test
  void connectionsBeyondTheLimitWaitAndAreServedWhenOthersClose() throws Exception {
    List<Socket> open = new ArrayList<>();
    try {
      for (int i = 0; i < LIMIT; i++) {
        Socket s = request();
        open.add(s);
        assertThat(RequestHeadTimeoutTest.readResponse(s.getInputStream())).endsWith("hello");
      }
      Socket waiting = request();
      open.add(waiting);
      waiting.setSoTimeout(1000);
      // Not accepted while LIMIT connections are open (the kernel holds it in the backlog).
      assertThatThrownBy(() -> waiting.getInputStream().read())
          .isInstanceOf(SocketTimeoutException.class);
      assertThat(readiness()).isEqualTo(200);

      open.removeFirst().close();
      waiting.setSoTimeout(10_000);
      assertThat(RequestHeadTimeoutTest.readResponse(waiting.getInputStream())).endsWith("hello");
      // Again full; closing everything frees the listener for good.
      for (Socket s : open) {
        s.close();
      }
      open.clear();
      for (int i = 0; i < LIMIT * 3; i++) {
        try (Socket s = request()) {
          s.setSoTimeout(10_000);
          assertThat(RequestHeadTimeoutTest.readResponse(s.getInputStream())).endsWith("hello");
        }
      }
      assertThat(readiness()).isEqualTo(200);
    } finally {
      for (Socket s : open) {
        s.close();
      }
    }
  }
}
