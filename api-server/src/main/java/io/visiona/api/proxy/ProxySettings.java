package io.visiona.api.proxy;

import io.helidon.config.Config;
import java.net.URI;
import java.time.Duration;

/**
 * {@code api.proxy.*}: where remote-proxy's internal listener is, and how long a call to it may
 * take.
 */
public record ProxySettings(URI internalUrl, Duration timeout) {

  public ProxySettings {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("api.proxy.timeout must be positive");
    }
  }

  public static ProxySettings from(Config c) {
    return new ProxySettings(
        c.get("internal-url").as(URI.class).orElse(URI.create("http://127.0.0.1:3801")),
        c.get("timeout").as(Duration.class).orElse(Duration.ofSeconds(2)));
  }
}
