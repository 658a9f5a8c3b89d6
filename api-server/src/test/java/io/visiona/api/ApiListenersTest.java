package io.visiona.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.webserver.WebServer;
import io.visiona.server.ConfigLoader;
import io.visiona.server.Lifecycle;
import io.visiona.server.listener.ListenerSettings;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The listener settings of etc/api-server.yaml reach both listeners. */
@Timeout(60)
class ApiListenersTest {

  private static WebServer server;
  private static ApiApplication app;

  @BeforeAll
  static void start(@TempDir Path dir) {
    ApiSettings settings =
        ApiSettings.from(
            Config.just(
                ConfigSources.create(
                    Map.of(
                        "http.host", "127.0.0.1",
                        "http.port", "0",
                        "http.request-head-timeout", "PT1S",
                        "http.http-idle-timeout", "PT1S",
                        "http.max-tcp-connections", "50",
                        "internal.host", "127.0.0.1",
                        "internal.port", "0",
                        "database.data-dir", dir.toString()))));
    assertThat(settings.httpListener().maxTcpConnections()).isEqualTo(50);
    assertThat(settings.httpListener().tcpNoDelay()).isTrue();
    assertThat(settings.internalListener().maxTcpConnections()).isEqualTo(1024);
    app = ApiApplication.create(settings, Clock.systemUTC());
    server = ApiServer.create(settings, new Lifecycle(), app).start();
  }

  @AfterAll
  static void stop() {
    server.stop();
    app.close();
  }

  @Test
  void theShippedFileGivesTheDocumentedDefaults() {
    ApiSettings s =
        ApiSettings.from(
            ConfigLoader.load(Path.of("..", "etc", "api-server.yaml"), Map.of()).get("api"));
    assertThat(s.httpListener()).isEqualTo(ListenerSettings.publicDefaults(10_000));
    assertThat(s.internalListener()).isEqualTo(ListenerSettings.internalDefaults(1024));
  }

  @Test
  void aTrickledRequestHeadIsClosedWithinTheHeadTimeout() throws Exception {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
      OutputStream out = s.getOutputStream();
      long start = System.nanoTime();
      out.write("GET /api/auth/me HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
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
      assertThat(closed).as("closed by the server").isTrue();
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(3000);
    }
  }

  @Test
  void completeRequestsAreServed() throws Exception {
    HttpResponse<String> me = ApiServerTest.get(server.port(), "/api/auth/me");
    assertThat(me.statusCode()).isEqualTo(401);
  }

  @Test
  void readinessProbesBothListeners() throws Exception {
    HttpResponse<String> ready =
        ApiServerTest.get(server.port(ApiServer.INTERNAL_SOCKET), "/observe/health/ready");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.body())
        .contains("\"name\":\"listeners\"")
        .contains("\"@default\":\"UP\"")
        .contains("\"internal\":\"UP\"");
  }
}
