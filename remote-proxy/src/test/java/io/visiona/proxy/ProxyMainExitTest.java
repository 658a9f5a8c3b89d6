package io.visiona.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.visiona.proxy.support.ServerProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The real main class in a process of its own, stopped with SIGTERM as in production. */
@Timeout(300)
class ProxyMainExitTest {

  static final Path CONFIG = Path.of("..", "etc", "remote-proxy.yaml").toAbsolutePath();
  static final Map<String, String> PORTS =
      Map.of(
          "VISIONA_PROXY_TUNNEL_HOST", "127.0.0.1",
          "VISIONA_PROXY_TUNNEL_PORT", "0",
          "VISIONA_PROXY_INTERNAL_HOST", "127.0.0.1",
          "VISIONA_PROXY_INTERNAL_PORT", "0");

  @TempDir Path dir;

  ServerProcess start(String name) throws Exception {
    return ServerProcess.start(
        ProxyMain.class.getName(),
        List.of("--config", CONFIG.toString()),
        PORTS,
        dir.resolve(name + ".log"));
  }

  @Test
  void portZeroListenersReportTheirBoundPorts() throws Exception {
    try (ServerProcess proxy = start("ports")) {
      proxy.awaitLine("remote-proxy up", Duration.ofSeconds(60));
      Matcher internal = Pattern.compile("listening: internal (\\d+)").matcher(proxy.output());
      Matcher tunnel = Pattern.compile("listening: tunnel (\\d+)").matcher(proxy.output());
      assertThat(internal.find()).as(proxy.output()).isTrue();
      assertThat(tunnel.find()).as(proxy.output()).isTrue();
      assertThat(tunnel.group(1)).isNotEqualTo("0").isNotEqualTo(internal.group(1));
      HttpResponse<String> ready =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create(
                              "http://127.0.0.1:" + internal.group(1) + "/observe/health/ready"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(ready.statusCode()).isEqualTo(200);
    }
  }

  @Test
  void everySigtermStopLogsTheDrain() throws Exception {
    // The JDK closes the log handlers in a shutdown hook of its own that races the drain's hook:
    // without the drain-safe log manager about half of these runs lost the lines.
    for (int run = 1; run <= 10; run++) {
      try (ServerProcess proxy = start("run-" + run)) {
        proxy.awaitLine("remote-proxy up", Duration.ofSeconds(60));
        int exit = proxy.terminate(Duration.ofSeconds(60));
        String output = proxy.output();
        assertThat(exit).as("run %d exit: %s", run, output).isIn(0, 143);
        assertThat(output)
            .as("run %d", run)
            .contains("draining: readiness down")
            .contains("Lifecycle: stopped")
            .doesNotContain("log manager is");
      }
    }
  }
}
