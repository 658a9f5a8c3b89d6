package io.visiona.proxy.forward;

import io.helidon.config.Config;
import java.time.Duration;

/**
 * Typed view of {@code proxy.forward.*}; every key is documented in {@code etc/remote-proxy.yaml}.
 *
 * @param maxRequestBody largest decoded request body; beyond, 413
 * @param maxResponseBody largest response body read from the device; beyond, 502
 * @param maxResponseHead largest response status line plus headers
 * @param timeout the whole exchange (open, write, read); beyond, 504
 */
public record ForwardSettings(
    int maxRequestBody, int maxResponseBody, int maxResponseHead, Duration timeout) {

  public ForwardSettings {
    if (maxRequestBody < 0 || maxResponseBody < 0 || maxResponseHead < 256) {
      throw new IllegalArgumentException("forward limits must be positive");
    }
  }

  public static ForwardSettings defaults() {
    return new ForwardSettings(8 << 20, 8 << 20, 64 << 10, Duration.ofSeconds(30));
  }

  public static ForwardSettings from(Config c) {
    ForwardSettings d = defaults();
    return new ForwardSettings(
        c.get("max-request-body").asInt().orElse(d.maxRequestBody()),
        c.get("max-response-body").asInt().orElse(d.maxResponseBody()),
        c.get("max-response-head").asInt().orElse(d.maxResponseHead()),
        c.get("timeout").as(Duration.class).orElse(d.timeout()));
  }

  /** The largest JSON document that can carry a request body of {@link #maxRequestBody()}. */
  public int maxRequestJson() {
    return (int) Math.min(Integer.MAX_VALUE - 8, (maxRequestBody + 2L) / 3 * 4 + 64 * 1024);
  }
}
