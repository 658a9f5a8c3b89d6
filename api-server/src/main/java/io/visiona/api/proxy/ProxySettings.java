package io.visiona.api.proxy;

import io.helidon.config.Config;
import java.time.Duration;

/**
 * {@code api.proxy.*}: how long a call to a remote-proxy replica's internal API may take (the
 * replicas themselves, and where they are, come from their heartbeats: ADR 0028).
 */
public record ProxySettings(Duration timeout) {

  public ProxySettings {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("api.proxy.timeout must be positive");
    }
  }

  public static ProxySettings from(Config c) {
    return new ProxySettings(c.get("timeout").as(Duration.class).orElse(Duration.ofSeconds(2)));
  }
}
