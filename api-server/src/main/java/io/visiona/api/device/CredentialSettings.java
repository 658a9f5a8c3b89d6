package io.visiona.api.device;

import io.helidon.config.Config;
import java.time.Duration;

/**
 * {@code api.devices.credentials.*}.
 *
 * @param lifetime how long a new credential is valid; the box rotates it before then
 * @param rotationOverlap how long the previous credential keeps working after a rotation, so that a
 *     box that lost the answer is not locked out
 */
public record CredentialSettings(Duration lifetime, Duration rotationOverlap) {

  public CredentialSettings {
    if (lifetime.compareTo(Duration.ofMinutes(1)) < 0) {
      throw new IllegalArgumentException("api.devices.credentials.lifetime must be >= 1 minute");
    }
    if (rotationOverlap.isNegative() || rotationOverlap.compareTo(lifetime) >= 0) {
      throw new IllegalArgumentException(
          "api.devices.credentials.rotation-overlap must be >= 0 and shorter than the lifetime");
    }
  }

  public static CredentialSettings defaults() {
    return new CredentialSettings(Duration.ofDays(365), Duration.ofMinutes(10));
  }

  public static CredentialSettings from(Config c) {
    CredentialSettings d = defaults();
    return new CredentialSettings(
        c.get("lifetime").as(Duration.class).orElse(d.lifetime()),
        c.get("rotation-overlap").as(Duration.class).orElse(d.rotationOverlap()));
  }
}
