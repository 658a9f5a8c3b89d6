package io.visiona.tunnel.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.visiona.tunnel.WebSocketClient;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AgentConfigTest {

  private static AgentConfig.Builder valid() {
    return AgentConfig.builder()
        .proxyUri(URI.create("wss://proxy.example/v1/tunnel"))
        .credential("s3cret-device-token")
        .target("127.0.0.1", 8080);
  }

  @Test
  void defaults() {
    AgentConfig c = valid().build();
    assertThat(c.initialBackoff()).isEqualTo(Duration.ofSeconds(1));
    assertThat(c.maxBackoff()).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.maxConcurrentStreams()).isEqualTo(256);
    assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.dialTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.webSocketClient()).isEqualTo(WebSocketClient.BLOCKING);
    assertThat(valid().webSocketClient(WebSocketClient.JDK).build().webSocketClient())
        .isEqualTo(WebSocketClient.JDK);
  }

  @Test
  void toStringRedactsTheCredential() {
    String s = valid().build().toString();
    assertThat(s).doesNotContain("s3cret").contains("<redacted>").contains("127.0.0.1:8080");
  }

  @Test
  void rejectsInvalidSettings() {
    assertThatThrownBy(() -> valid().proxyUri(URI.create("http://proxy/v1/tunnel")).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> valid().credential(" ").build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> valid().credential(null).build())
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> valid().target("127.0.0.1", 0).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> valid().backoff(Duration.ofSeconds(10), Duration.ofSeconds(1)).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> valid().dialTimeout(Duration.ZERO).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> valid().maxConcurrentStreams(0).build())
        .isInstanceOf(IllegalArgumentException.class);
  }
}
