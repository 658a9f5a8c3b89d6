package io.visiona.api.session;

import io.helidon.config.Config;
import io.visiona.api.crypto.HmacKeyRing;
import java.time.Duration;
import java.util.logging.Logger;

/**
 * {@code api.session.*}. {@code cookie-keys} is a secret: {@code kid:base64key[,kid:base64key]},
 * first one signs. Empty means a random key per process (sessions end at every restart).
 */
public record SessionSettings(
    Duration idleTimeout,
    Duration absoluteTimeout,
    int maxPerUser,
    boolean insecureDevCookies,
    HmacKeyRing keys) {

  private static final Logger LOG = Logger.getLogger(SessionSettings.class.getName());

  public SessionSettings {
    if (idleTimeout.isNegative() || idleTimeout.isZero()) {
      throw new IllegalArgumentException("api.session.idle-timeout must be positive");
    }
    if (absoluteTimeout.compareTo(idleTimeout) < 0) {
      throw new IllegalArgumentException("api.session.absolute-timeout must be >= idle-timeout");
    }
    if (maxPerUser < 1) {
      throw new IllegalArgumentException("api.session.max-per-user must be at least 1");
    }
  }

  public static SessionSettings from(Config session) {
    String keys = session.get("cookie-keys").asString().orElse("");
    HmacKeyRing ring;
    if (keys.isBlank()) {
      LOG.warning(
          "api.session.cookie-keys is empty: using a random key, sessions end when the process"
              + " stops (set VISIONA_API_SESSION_COOKIE_KEYS)");
      ring = HmacKeyRing.ephemeral();
    } else {
      ring = HmacKeyRing.parse(keys);
    }
    return new SessionSettings(
        session.get("idle-timeout").as(Duration.class).orElse(Duration.ofMinutes(30)),
        session.get("absolute-timeout").as(Duration.class).orElse(Duration.ofHours(12)),
        session.get("max-per-user").asInt().orElse(10),
        session.get("insecure-dev-cookies").asBoolean().orElse(false),
        ring);
  }
}
