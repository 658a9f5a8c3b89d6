package io.visiona.api.session;

import io.helidon.config.Config;
import io.visiona.api.crypto.RandomTokens;
import io.visiona.server.signing.KeyRing;
import io.visiona.server.signing.SigningKey;
import java.time.Duration;
import java.util.List;
import java.util.logging.Logger;

/**
 * {@code api.session.*}. {@code cookie-keys} is a secret in the {@link KeyRing} text form, {@code
 * kid:base64key[:not-after][,...]}: the first key not retired signs. Empty means a random key per
 * process (sessions end at every restart).
 */
public record SessionSettings(
    Duration idleTimeout,
    Duration absoluteTimeout,
    int maxPerUser,
    boolean insecureDevCookies,
    KeyRing keys) {

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
    KeyRing ring;
    if (keys.isBlank()) {
      LOG.warning(
          "api.session.cookie-keys is empty: using a random key, sessions end when the process"
              + " stops (set VISIONA_API_SESSION_COOKIE_KEYS)");
      ring = KeyRing.of(List.of(SigningKey.of("tmp", RandomTokens.bytes(32), null)));
    } else {
      try {
        ring = KeyRing.parse(keys);
      } catch (IllegalArgumentException e) {
        // The ring's messages never contain key material.
        throw new IllegalArgumentException("api.session.cookie-keys: " + e.getMessage(), e);
      }
    }
    return new SessionSettings(
        session.get("idle-timeout").as(Duration.class).orElse(Duration.ofMinutes(30)),
        session.get("absolute-timeout").as(Duration.class).orElse(Duration.ofHours(12)),
        session.get("max-per-user").asInt().orElse(10),
        session.get("insecure-dev-cookies").asBoolean().orElse(false),
        ring);
  }
}
