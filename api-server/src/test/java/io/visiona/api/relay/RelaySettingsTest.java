package io.visiona.api.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.visiona.tunnel.WebSocketClient;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RelaySettingsTest {

  private static RelaySettings from(Map<String, String> values) {
    return RelaySettings.from(Config.just(ConfigSources.create(values)));
  }

  @Test
  void theLinkUsesTheBlockingWebSocketClientUnlessTheJdkOneIsChosen() {
    assertThat(from(Map.of()).webSocketClient()).isEqualTo(WebSocketClient.BLOCKING);
    assertThat(from(Map.of("websocket-client", "jdk")).webSocketClient())
        .isEqualTo(WebSocketClient.JDK);
    assertThat(from(Map.of("websocket-client", "Blocking")).webSocketClient())
        .isEqualTo(WebSocketClient.BLOCKING);
  }

  @Test
  void anUnknownWebSocketClientIsRefusedAtStart() {
    assertThatThrownBy(() -> from(Map.of("websocket-client", "netty")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected blocking or jdk");
  }
}
