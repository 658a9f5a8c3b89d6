package io.visiona.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.helidon.webserver.WebServer;
import io.visiona.server.Lifecycle;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ProxyServerTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static WebServer server;

  @BeforeAll
  static void start() {
    server =
        ProxyServer.create(
                new ProxySettings("127.0.0.1", 0, "127.0.0.1", 0, Duration.ofSeconds(1)),
                new Lifecycle())
            .start();
  }

  @AfterAll
  static void stop() {
    server.stop();
  }

  static HttpResponse<String> get(int port, String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void internalListenerAnswersHealthAndMetrics() throws Exception {
    int internal = server.port(ProxyServer.INTERNAL_SOCKET);
    HttpResponse<String> health = get(internal, "/observe/health");
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).contains("\"status\":\"UP\"");
    assertThat(get(internal, "/observe/health/ready").statusCode()).isEqualTo(200);
    assertThat(get(internal, "/observe/metrics").body()).contains("# TYPE");
  }

  @Test
  void listenersAreDistinct() {
    assertThat(server.port()).isPositive().isNotEqualTo(server.port(ProxyServer.INTERNAL_SOCKET));
  }

  @Test
  void publicTunnelListenerDoesNotExposeObservability() throws Exception {
    assertThat(get(server.port(), "/observe/metrics").statusCode()).isEqualTo(404);
    assertThat(get(server.port(), "/observe/health").statusCode()).isEqualTo(404);
  }
}
