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
 * @param memoryBudget bytes all forwards in flight may hold; 0 derives it from the heap
 */
public record ForwardSettings(
    int maxRequestBody,
    int maxResponseBody,
    int maxResponseHead,
    Duration timeout,
    long memoryBudget) {

  /** Share of the heap ({@code -Xmx}) that forwards may hold when no budget is configured. */
  static final double HEAP_SHARE = 0.25;

  public ForwardSettings {
    if (maxRequestBody < 0 || maxResponseBody < 0 || maxResponseHead < 256 || memoryBudget < 0) {
      throw new IllegalArgumentException("forward limits must be positive");
    }
  }

  public ForwardSettings(
      int maxRequestBody, int maxResponseBody, int maxResponseHead, Duration timeout) {
    this(maxRequestBody, maxResponseBody, maxResponseHead, timeout, 0);
  }

  public static ForwardSettings defaults() {
    return new ForwardSettings(8 << 20, 8 << 20, 64 << 10, Duration.ofSeconds(30), 0);
  }

  /** The configured budget, or {@link #HEAP_SHARE} of the largest heap this JVM may have. */
  public long effectiveMemoryBudget() {
    return memoryBudget > 0
        ? memoryBudget
        : Math.max(1, (long) (Runtime.getRuntime().maxMemory() * HEAP_SHARE));
  }

  public ForwardSettings withMemoryBudget(long bytes) {
    return new ForwardSettings(maxRequestBody, maxResponseBody, maxResponseHead, timeout, bytes);
  }

  public static ForwardSettings from(Config c) {
    ForwardSettings d = defaults();
    return new ForwardSettings(
        c.get("max-request-body").asInt().orElse(d.maxRequestBody()),
        c.get("max-response-body").asInt().orElse(d.maxResponseBody()),
        c.get("max-response-head").asInt().orElse(d.maxResponseHead()),
        c.get("timeout").as(Duration.class).orElse(d.timeout()),
        c.get("memory-budget").asLong().orElse(d.memoryBudget()));
  }

  /** The largest JSON document that can carry a request body of {@link #maxRequestBody()}. */
  public int maxRequestJson() {
    return (int) Math.min(Integer.MAX_VALUE - 8, (maxRequestBody + 2L) / 3 * 4 + 64 * 1024);
  }
}
