package io.visiona.proxy;

import io.helidon.config.Config;
import java.time.Duration;

/**
 * Typed view of {@code proxy.*} in {@code etc/remote-proxy.yaml}; every key is documented there.
 */
public record ProxySettings(
    String tunnelHost, int tunnelPort, String internalHost, int internalPort, Duration drainGrace) {

  public static ProxySettings from(Config proxy) {
    return new ProxySettings(
        proxy.get("tunnel.host").asString().orElse("0.0.0.0"),
        proxy.get("tunnel.port").asInt().orElse(3800),
        proxy.get("internal.host").asString().orElse("127.0.0.1"),
        proxy.get("internal.port").asInt().orElse(3801),
        proxy.get("drain.grace-period").as(Duration.class).orElse(Duration.ofSeconds(3)));
  }
}
