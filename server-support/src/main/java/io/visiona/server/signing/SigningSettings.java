package io.visiona.server.signing;

import io.helidon.config.Config;
import io.visiona.server.ConfigLoader;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Typed view of a server's {@code signing} section:
 *
 * <pre>
 * signing:
 *   keys:
 *     # kid:base64key[:not-after], comma separated; first unretired key signs, all unretired verify.
 *     api-to-proxy: ""      # e.g. VISIONA_PROXY_SIGNING_KEYS_API_TO_PROXY
 *     proxy-to-api: ""
 *   max-clock-skew: PT5M    # largest |now - created| accepted; also the replay window
 *   replay-cache-size: 100000
 *   max-body-bytes: 1048576 # larger signed bodies get 413
 * </pre>
 *
 * Keys belong in the environment, not the file: the file holds empty strings so that {@link
 * ConfigLoader} accepts the {@code VISIONA_*} overrides. Startup fails with a message naming the
 * variable when a key is missing, short or malformed, when every key of a ring is retired, or when
 * both directions share a secret. {@link #toString()} shows key ids only.
 */
public record SigningSettings(
    Map<Direction, KeyRing> rings, Duration maxClockSkew, int replayCacheSize, int maxBodyBytes) {

  public static final int DEFAULT_REPLAY_CACHE_SIZE = 100_000;

  public SigningSettings {
    // Checked here so that a bad value stops startup, not the first request.
    if (maxClockSkew.isNegative() || maxClockSkew.isZero()) {
      throw new IllegalArgumentException("signing.max-clock-skew must be positive");
    }
    if (replayCacheSize < 1) {
      throw new IllegalArgumentException("signing.replay-cache-size must be positive");
    }
    if (maxBodyBytes < 0 || maxBodyBytes > SignatureFilter.MAX_MAX_BODY_BYTES) {
      throw new IllegalArgumentException(
          "signing.max-body-bytes must be between 0 and " + SignatureFilter.MAX_MAX_BODY_BYTES);
    }
    rings = Map.copyOf(rings);
    for (Direction d : Direction.values()) {
      if (!rings.containsKey(d)) {
        throw new IllegalArgumentException("no key ring for " + d.configKey());
      }
    }
    if (rings.get(Direction.API_TO_PROXY).sharesSecretWith(rings.get(Direction.PROXY_TO_API))) {
      throw new IllegalArgumentException(
          "signing keys: api-to-proxy and proxy-to-api must use different secrets, so that a"
              + " request cannot be reflected back to its sender");
    }
  }

  /**
   * {@link #from}, or empty when no key of either direction is set: a development start without
   * secrets, in which the server refuses every signed request it would receive and sends none. A
   * half-configured or malformed key set still stops the start.
   */
  public static Optional<SigningSettings> fromIfConfigured(Config signing, Clock clock) {
    boolean none = true;
    for (Direction d : Direction.values()) {
      none &= signing.get("keys").get(d.configKey()).asString().orElse("").isBlank();
    }
    if (none) {
      Logger.getLogger(SigningSettings.class.getName())
          .warning(
              "no request signing keys configured ("
                  + signing.key()
                  + ".keys.*): internal requests are refused and none can be sent");
      return Optional.empty();
    }
    return Optional.of(from(signing, clock));
  }

  /** Reads {@code signing} (e.g. {@code config.get("proxy.signing")}) and checks every key. */
  public static SigningSettings from(Config signing, Clock clock) {
    Map<Direction, KeyRing> rings = new EnumMap<>(Direction.class);
    for (Direction d : Direction.values()) {
      rings.put(d, ring(signing.get("keys").get(d.configKey()), clock));
    }
    return new SigningSettings(
        rings,
        signing.get("max-clock-skew").as(Duration.class).orElse(RequestVerifier.DEFAULT_MAX_SKEW),
        signing.get("replay-cache-size").asInt().orElse(DEFAULT_REPLAY_CACHE_SIZE),
        signing.get("max-body-bytes").asInt().orElse(SignatureFilter.DEFAULT_MAX_BODY_BYTES));
  }

  private static KeyRing ring(Config node, Clock clock) {
    String where =
        node.key() + " (environment: " + ConfigLoader.envName(node.key().toString()) + ")";
    try {
      KeyRing ring = KeyRing.parse(node.asString().orElse(""));
      ring.current(clock.instant());
      return ring;
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
    }
  }

  public KeyRing keys(Direction direction) {
    return rings.get(direction);
  }

  /** The signer for requests this server sends in {@code direction}. */
  public RequestSigner signer(Direction direction, Clock clock) {
    return new RequestSigner(direction, keys(direction), clock);
  }

  /**
   * A verifier (with its own replay cache) for requests this server receives in {@code direction}.
   */
  public RequestVerifier verifier(Direction direction, Clock clock) {
    return new RequestVerifier(direction, keys(direction), clock, maxClockSkew, replayCacheSize);
  }
}
