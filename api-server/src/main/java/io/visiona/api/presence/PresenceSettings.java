package io.visiona.api.presence;

import io.helidon.config.Config;
import java.time.Duration;

/**
 * {@code api.presence.*}: presence of devices on remote-proxy replicas (ADR 0028).
 *
 * @param replicaLease how long one heartbeat keeps a replica, and all of its tunnels, alive
 * @param refreshInterval how often the relay links are matched to the live replicas
 */
public record PresenceSettings(Duration replicaLease, Duration refreshInterval) {

  public PresenceSettings {
    if (replicaLease.isNegative() || replicaLease.isZero()) {
      throw new IllegalArgumentException("api.presence.replica-lease must be positive");
    }
    if (refreshInterval.isNegative() || refreshInterval.isZero()) {
      throw new IllegalArgumentException("api.presence.refresh-interval must be positive");
    }
  }

  public static PresenceSettings from(Config c) {
    return new PresenceSettings(
        c.get("replica-lease").as(Duration.class).orElse(Duration.ofSeconds(30)),
        c.get("refresh-interval").as(Duration.class).orElse(Duration.ofSeconds(5)));
  }
}
