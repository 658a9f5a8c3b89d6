package io.visiona.proxy.auth;

import io.helidon.config.Config;
import java.time.Duration;

/**
 * Typed view of {@code proxy.auth.failures-per-address.*}: a token bucket per client address over
 * the credential checks that fail; documented in {@code etc/remote-proxy.yaml}.
 *
 * @param enabled false turns the limit off
 * @param burst failed checks an address may make at once (also: checks of unknown credentials in
 *     flight at once from one address)
 * @param refillInterval one more failed check is allowed per interval
 * @param maxAddresses addresses tracked at once (least recently seen are forgotten)
 */
public record FailureLimitSettings(
    boolean enabled, int burst, Duration refillInterval, int maxAddresses) {

  public FailureLimitSettings {
    if (enabled
        && (burst < 1
            || maxAddresses < 1
            || refillInterval.isNegative()
            || refillInterval.isZero())) {
      throw new IllegalArgumentException(
          "failures-per-address: burst and max-addresses must be >= 1, refill-interval > 0");
    }
  }

  public static FailureLimitSettings defaults() {
    return new FailureLimitSettings(true, 30, Duration.ofSeconds(6), 100_000);
  }

  public static FailureLimitSettings from(Config c) {
    FailureLimitSettings d = defaults();
    return new FailureLimitSettings(
        c.get("enabled").asBoolean().orElse(d.enabled()),
        c.get("burst").asInt().orElse(d.burst()),
        c.get("refill-interval").as(Duration.class).orElse(d.refillInterval()),
        c.get("max-addresses").asInt().orElse(d.maxAddresses()));
  }

  /** Permits per second the bucket refills at. */
  public double perSecond() {
    return 1e9 / refillInterval.toNanos();
  }
}
