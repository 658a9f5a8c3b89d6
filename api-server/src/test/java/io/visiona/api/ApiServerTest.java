package io.visiona.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.webserver.WebServer;
import io.visiona.server.Lifecycle;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ApiServerTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
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
                        "internal.host", "127.0.0.1",
                        "internal.port", "0",
                        "drain.grace-period", "PT1S",
                        "database.data-dir", dir.toString()))));
    app = ApiApplication.create(settings, Clock.systemUTC());
    server = ApiServer.create(settings, new Lifecycle(), app).start();
  }

  @AfterAll
  static void stop() {
    server.stop();
    app.close();
  }

  static HttpResponse<String> get(int port, String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void internalListenerAnswersHealthAndMetrics() throws Exception {
    int internal = server.port(ApiServer.INTERNAL_SOCKET);
    HttpResponse<String> health = get(internal, "/observe/health");
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).contains("\"status\":\"UP\"");
    assertThat(get(internal, "/observe/health/ready").statusCode()).isEqualTo(200);
    assertThat(get(internal, "/observe/metrics").body()).contains("# TYPE");
  }

  @Test
  void thePublicListenerServesHealthButNoMetrics() throws Exception {
    assertThat(get(server.port(), "/observe/health").statusCode()).isEqualTo(200);
    HttpResponse<String> metrics = get(server.port(), "/observe/metrics");
    assertThat(metrics.statusCode()).isEqualTo(404);
    assertThat(metrics.body()).doesNotContain("# TYPE");
  }

  static HttpResponse<String> send(int port, String method, String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  // No route for this path and method: Helidon's 404, answered with the JSON envelope. (An unsafe
  // method under /api meets the CSRF check first.)
  @ParameterizedTest
  @CsvSource({
    "GET, /console/nothing.js, 404",
    "GET, /observe, 404",
    "GET, /nothing/here, 404",
    "TRACE, /, 404",
    "PUT, /observe/health, 404",
    "DELETE, /observe/health/ready, 404",
    "TRACE, /api/auth/me, 403"
  })
  void unknownRoutesAndMethodsAreClientErrorsWithoutAStackTrace(
      String method, String path, int expected) throws Exception {
    List<LogRecord> logged = new CopyOnWriteArrayList<>();
    Handler capture =
        new Handler() {
          @Override
          public void publish(LogRecord r) {
            if (r.getThrown() != null || r.getLevel().intValue() >= Level.WARNING.intValue()) {
              logged.add(r);
            }
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    Logger root = Logger.getLogger("");
    root.addHandler(capture);
    try {
      HttpResponse<String> r = send(server.port(), method, path);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(expected);
      assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
      assertThat(r.body()).startsWith("{\"error\":{\"code\":\"");
    } finally {
      root.removeHandler(capture);
    }
    assertThat(logged).extracting(LogRecord::getMessage).isEmpty();
  }

  @Test
  void listenersAreDistinct() {
    assertThat(server.port()).isPositive().isNotEqualTo(server.port(ApiServer.INTERNAL_SOCKET));
  }

  @Test
  void spaListenerAnswersHealth() throws Exception {
    assertThat(get(server.port(), "/observe/health/live").statusCode()).isEqualTo(200);
  }

  @Test
  void withDefaultsLoginAnswersAClear503() throws Exception {
    HttpResponse<String> login = get(server.port(), "/api/auth/login");
    assertThat(login.statusCode()).isEqualTo(503);
    assertThat(login.headers().firstValue("content-type"))
        .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/json"));
    assertThat(login.body()).contains("\"code\":\"OIDC_NOT_CONFIGURED\"");
  }

  @Test
  void apiWithoutSessionIsAJson401() throws Exception {
    HttpResponse<String> me = get(server.port(), "/api/auth/me");
    assertThat(me.statusCode()).isEqualTo(401);
    assertThat(me.body())
        .isEqualTo(
            "{\"error\":{\"code\":\"UNAUTHENTICATED\",\"message\":\"log in first: no valid session\"}}");
  }
}
