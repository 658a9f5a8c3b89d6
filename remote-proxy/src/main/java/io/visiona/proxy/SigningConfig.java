package io.visiona.proxy;

import io.helidon.config.Config;
import io.visiona.server.signing.Direction;
import io.visiona.server.signing.SigningSettings;
import java.time.Clock;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Reads {@code proxy.signing}. Keys come from the environment ({@code
 * VISIONA_PROXY_SIGNING_KEYS_API_TO_PROXY}, {@code ..._PROXY_TO_API}); when both are empty the
 * proxy runs without them (internal API refused, agents cannot be verified) so that a development
 * start needs no secrets. A malformed or half-configured key set stops the start.
 */
final class SigningConfig {

  private static final Logger LOG = Logger.getLogger(SigningConfig.class.getName());

  private SigningConfig() {}

  static Optional<SigningSettings> load(Config signing, Clock clock) {
    boolean none = true;
    for (Direction d : Direction.values()) {
      none &= signing.get("keys").get(d.configKey()).asString().orElse("").isBlank();
    }
    if (none) {
      LOG.warning(
          "no request signing keys configured (proxy.signing.keys.*): the internal API refuses"
              + " every request and agent credentials cannot be verified");
      return Optional.empty();
    }
    return Optional.of(SigningSettings.from(signing, clock));
  }
}
