package io.visiona.server.listener;

import static org.assertj.core.api.Assertions.assertThat;

import io.helidon.health.HealthCheckResponse;
import io.helidon.webserver.WebServer;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ListenerProbeTest {

  @Test
  void readinessIsUpWhileEveryListenerAcceptsAndDownOnceOneIsGone() {
    WebServer server =
        WebServer.builder()
            .host("127.0.0.1")
            .port(0)
            .shutdownHook(false)
            .putSocket("other", l -> l.host("127.0.0.1").port(0))
            .build()
            .start();
    ListenerProbe probe =
        new ListenerProbe()
            .watch(server, WebServer.DEFAULT_SOCKET_NAME, "0.0.0.0")
            .watch(server, "other", "127.0.0.1");
    HealthCheckResponse up = probe.readiness().call();
    assertThat(up.status()).isEqualTo(HealthCheckResponse.Status.UP);
    assertThat(up.details()).isEqualTo(Map.of("@default", "UP", "other", "UP"));
    server.stop();
    HealthCheckResponse down = probe.readiness().call();
    assertThat(down.status()).isEqualTo(HealthCheckResponse.Status.DOWN);
    assertThat(down.details()).isEqualTo(Map.of("@default", "DOWN", "other", "DOWN"));
  }
}
