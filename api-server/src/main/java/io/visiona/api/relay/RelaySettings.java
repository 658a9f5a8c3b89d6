package io.visiona.api.relay;

import io.helidon.config.Config;
import io.visiona.tunnel.WebSocketClient;
import java.time.Duration;

/**
 * {@code api.relay.*}: the relay links to remote-proxy replicas ({@code GET /internal/link}, ADR
 * 0020; one per live replica, ADR 0028).
 *
 * @param connectTimeout longest WebSocket handshake
 * @param openTimeout longest wait for the proxy's answer to a new relay stream
 * @param maxBackoff longest wait between two attempts to reconnect the link
 * @param webSocketClient the WebSocket client that carries the link ({@code blocking}, the default,
 *     or {@code jdk}; ADR 0002)
 */
public record RelaySettings(
    Duration connectTimeout,
    Duration openTimeout,
    Duration maxBackoff,
    WebSocketClient webSocketClient) {

  public RelaySettings {
    for (Duration d : new Duration[] {connectTimeout, openTimeout, maxBackoff}) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("api.relay timeouts must be positive");
      }
    }
    if (webSocketClient == null) {
      throw new IllegalArgumentException("api.relay.websocket-client must be blocking or jdk");
    }
  }

  public static RelaySettings from(Config c) {
    return new RelaySettings(
        c.get("connect-timeout").as(Duration.class).orElse(Duration.ofSeconds(5)),
        c.get("open-timeout").as(Duration.class).orElse(Duration.ofSeconds(10)),
        c.get("max-backoff").as(Duration.class).orElse(Duration.ofSeconds(30)),
        c.get("websocket-client")
            .asString()
            .map(WebSocketClient::parse)
            .orElse(WebSocketClient.DEFAULT));
  }
}
