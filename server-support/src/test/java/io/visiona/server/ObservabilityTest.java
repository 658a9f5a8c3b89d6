package io.visiona.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.helidon.webserver.WebServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Health and metrics placed on different listeners of one real server. */
class ObservabilityTest {

  private static final String PRIVATE = "private";
  private final HttpClient http = HttpClient.newHttpClient();
  private WebServer server;

  @BeforeEach
  void start() {
    server =
        WebServer.builder()
            .host("127.0.0.1")
            .port(0)
            .shutdownHook(false)
            .putSocket(PRIVATE, l -> l.host("127.0.0.1").port(0))
            .addFeatures(
                Observability.features(
                    List.of(WebServer.DEFAULT_SOCKET_NAME, PRIVATE),
                    List.of(PRIVATE),
                    List.of(new Lifecycle().readiness())))
            .build()
            .start();
  }

  @AfterEach
  void stop() {
    server.stop();
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void healthOnBothListenersMetricsOnlyOnThePrivateOne() throws Exception {
    int pub = server.port();
    int priv = server.port(PRIVATE);
    for (int port : new int[] {pub, priv}) {
      assertThat(get(port, "/observe/health").statusCode()).isEqualTo(200);
      assertThat(get(port, "/observe/health/ready").statusCode()).isEqualTo(200);
      assertThat(get(port, "/observe/health/live").statusCode()).isEqualTo(200);
    }
    HttpResponse<String> metrics = get(priv, "/observe/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body()).contains("# TYPE");
    assertThat(get(pub, "/observe/metrics").statusCode()).isEqualTo(404);
  }

  @Test
  void anEmptySocketListIsRefusedInsteadOfMeaningTheDefaultListener() {
    assertThatThrownBy(() -> Observability.features(List.of(PRIVATE), List.of(), List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
