package io.visiona.api;

import io.helidon.config.Config;
import java.time.Duration;

/** Typed view of {@code api.*} in {@code etc/api-server.yaml}; every key is documented there. */
public record ApiSettings(
    String host, int port, String internalHost, int internalPort, Duration drainGrace) {

  public static ApiSettings from(Config api) {
    return new ApiSettings(
        api.get("http.host").asString().orElse("0.0.0.0"),
        api.get("http.port").asInt().orElse(3721),
        api.get("internal.host").asString().orElse("127.0.0.1"),
        api.get("internal.port").asInt().orElse(3722),
        api.get("drain.grace-period").as(Duration.class).orElse(Duration.ofSeconds(3)));
  }
}
