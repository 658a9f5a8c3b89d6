package io.visiona.api.pairing;

import io.helidon.config.Config;
import java.net.URI;
import java.time.Duration;

/**
 * {@code api.pairing.*}.
 *
 * @param lifetime how long a started pairing can be approved and exchanged
 * @param interval the least time between two polls of a box; polling sooner adds 5 s for that box
 * @param maxWrongCodesPerUser wrong user codes a person may enter per code lifetime; then 429
 * @param maxPendingPerAddress pairings one client address may have open at once
 * @param maxPending pairings open at once on this server, for all addresses
 * @param verificationUri the page where a person enters the user code (the SPA's pairing page)
 * @param tunnelUrl what a paired box is told to connect to (remote-proxy's /v1/tunnel)
 */
public record PairingSettings(
    Duration lifetime,
    Duration interval,
    int maxWrongCodesPerUser,
    int maxPendingPerAddress,
    int maxPending,
    URI verificationUri,
    URI tunnelUrl) {

  /** RFC 8628 §3.5: each slow_down adds five seconds to the box's interval. */
  public static final Duration SLOW_DOWN_STEP = Duration.ofSeconds(5);

  public PairingSettings {
    if (lifetime.compareTo(Duration.ofMinutes(1)) < 0
        || lifetime.compareTo(Duration.ofHours(1)) > 0) {
      throw new IllegalArgumentException("api.pairing.lifetime must be between 1 and 60 minutes");
    }
    if (interval.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("api.pairing.interval must be at least 1 s");
    }
    if (maxWrongCodesPerUser < 1 || maxPendingPerAddress < 1 || maxPending < 1) {
      throw new IllegalArgumentException("api.pairing limits must be at least 1");
    }
  }

  public static PairingSettings defaults() {
    return new PairingSettings(
        Duration.ofMinutes(10),
        Duration.ofSeconds(5),
        5,
        5,
        10_000,
        URI.create("http://localhost:3721/pair"),
        URI.create("ws://localhost:3800/v1/tunnel"));
  }

  public static PairingSettings from(Config c) {
    PairingSettings d = defaults();
    return new PairingSettings(
        c.get("lifetime").as(Duration.class).orElse(d.lifetime()),
        c.get("interval").as(Duration.class).orElse(d.interval()),
        c.get("max-wrong-codes-per-user").asInt().orElse(d.maxWrongCodesPerUser()),
        c.get("max-pending-per-address").asInt().orElse(d.maxPendingPerAddress()),
        c.get("max-pending").asInt().orElse(d.maxPending()),
        c.get("verification-uri").as(URI.class).orElse(d.verificationUri()),
        c.get("tunnel-url").as(URI.class).orElse(d.tunnelUrl()));
  }
}
