package io.visiona.api.http;

import io.helidon.config.Config;

/**
 * {@code api.box.*}: request budgets for the routes boxes call ({@code /v1/pair/*}, {@code
 * /v1/device/*}), per client address and for all addresses together.
 */
public record BoxLimitSettings(
    double perAddressPerMinute,
    int perAddressBurst,
    int maxAddresses,
    double perSecond,
    int burst) {

  public BoxLimitSettings {
    if (!(perAddressPerMinute > 0) || !(perSecond > 0) || perAddressBurst < 1 || burst < 1) {
      throw new IllegalArgumentException("api.box rates must be > 0 and bursts >= 1");
    }
    if (maxAddresses < 1) {
      throw new IllegalArgumentException("api.box.max-addresses must be >= 1");
    }
  }

  public static BoxLimitSettings from(Config c) {
    return new BoxLimitSettings(
        c.get("per-address-per-minute").asDouble().orElse(60.0),
        c.get("per-address-burst").asInt().orElse(20),
        c.get("max-addresses").asInt().orElse(100_000),
        c.get("per-second").asDouble().orElse(200.0),
        c.get("burst").asInt().orElse(400));
  }
}
