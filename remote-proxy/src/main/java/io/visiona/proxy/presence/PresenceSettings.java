package io.visiona.proxy.presence;

import io.helidon.config.Config;
import java.time.Duration;

/**
 * Typed view of {@code proxy.presence.*}; every key is documented in {@code etc/remote-proxy.yaml}.
 *
 * @param reportInterval longest time an event waits before it is sent (events are batched)
 * @param heartbeatInterval how often the replica renews its lease (well under the api-server's)
 * @param maxPendingEvents events kept while the api-server cannot be reached; beyond, the queue is
 *     dropped and a full resync follows
 * @param maxBackoff longest wait between retries of a failed call
 */
public record PresenceSettings(
    Duration reportInterval,
    Duration heartbeatInterval,
    int maxPendingEvents,
    Duration maxBackoff) {

  public PresenceSettings {
    positive(reportInterval, "report-interval");
    positive(heartbeatInterval, "heartbeat-interval");
    positive(maxBackoff, "max-backoff");
    if (maxPendingEvents < 1) {
      throw new IllegalArgumentException("proxy.presence.max-pending-events must be at least 1");
    }
  }

  private static void positive(Duration d, String key) {
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException("proxy.presence." + key + " must be positive");
    }
  }

  public static PresenceSettings defaults() {
    return new PresenceSettings(
        Duration.ofSeconds(1), Duration.ofSeconds(10), 20_000, Duration.ofSeconds(10));
  }

  public static PresenceSettings from(Config c) {
    PresenceSettings d = defaults();
    return new PresenceSettings(
        c.get("report-interval").as(Duration.class).orElse(d.reportInterval()),
        c.get("heartbeat-interval").as(Duration.class).orElse(d.heartbeatInterval()),
        c.get("max-pending-events").asInt().orElse(d.maxPendingEvents()),
        c.get("max-backoff").as(Duration.class).orElse(d.maxBackoff()));
  }

  public PresenceSettings withReportInterval(Duration d) {
    return new PresenceSettings(d, heartbeatInterval, maxPendingEvents, maxBackoff);
  }

  public PresenceSettings withHeartbeatInterval(Duration d) {
    return new PresenceSettings(reportInterval, d, maxPendingEvents, maxBackoff);
  }

  public PresenceSettings withMaxPendingEvents(int n) {
    return new PresenceSettings(reportInterval, heartbeatInterval, n, maxBackoff);
  }

  public PresenceSettings withMaxBackoff(Duration d) {
    return new PresenceSettings(reportInterval, heartbeatInterval, maxPendingEvents, d);
  }
}
