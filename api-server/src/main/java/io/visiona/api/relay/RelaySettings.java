package io.visiona.api.relay;

import io.helidon.config.Config;
import java.time.Duration;

/**
 * {@code api.relay.*}: the relay links to remote-proxy replicas ({@code GET /internal/link}, ADR
 * 0020; one per live replica, ADR 0028).
 *
 * @param connectTimeout longest WebSocket handshake
 * @param openTimeout longest wait for the proxy's answer to a new relay stream
 * @param maxBackoff longest wait between two attempts to reconnect the link
 */
public record RelaySettings(Duration connectTimeout, Duration openTimeout, Duration maxBackoff) {

  public RelaySettings {
    for (Duration d : new Duration[] {connectTimeout, openTimeout, maxBackoff}) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("api.relay timeouts must be positive");
      }
    }
  }

  public static RelaySettings from(Config c) {
    return new RelaySettings(
        c.get("connect-timeout").as(Duration.class).orElse(Duration.ofSeconds(5)),
        c.get("open-timeout").as(Duration.class).orElse(Duration.ofSeconds(10)),
        c.get("max-backoff").as(Duration.class).orElse(Duration.ofSeconds(30)));
  }
}
