package io.visiona.tunnel.agent;

import java.time.Duration;
import java.util.Random;

/**
 * How long a connector (the edge agent's, the api-server's relay link) waits before its next
 * connection attempt. Not thread-safe: one connector thread uses it.
 *
 * <ul>
 *   <li>After a failed attempt: full jitter, a uniform delay in {@code [initial/2, cap]}, where the
 *       cap starts at {@code initial} and doubles with every consecutive failure up to {@code max}.
 *       The floor keeps even an unlucky draw from turning into a tight loop.
 *   <li>After the proxy rejected the credential: the cap jumps to {@code max} and the delay is
 *       uniform in {@code [max/2, max]}; a rejected credential does not become valid in seconds.
 *   <li>After a session ended: a session that stayed up for {@code stableAfter} resets the cap. A
 *       GoAway (drain) earns an immediate reconnect, but not twice in a row without a stable
 *       session in between, so a proxy that sends GoAway at once cannot make the agent spin.
 * </ul>
 */
public final class Backoff {

  private final long initialNanos;
  private final long maxNanos;
  private final long stableAfterNanos;
  private final Random random;
  private long capNanos;
  private boolean promptUsed;

  public Backoff(Duration initial, Duration max, Duration stableAfter, Random random) {
    if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("need 0 < initial <= max");
    }
    this.initialNanos = initial.toNanos();
    this.maxNanos = max.toNanos();
    this.stableAfterNanos = stableAfter.toNanos();
    this.random = random;
    this.capNanos = initialNanos;
  }

  /** The wait after a failed connection attempt; later failures wait longer. */
  public Duration failed() {
    long cap = capNanos;
    capNanos = Math.min(maxNanos, cap > maxNanos / 2 ? maxNanos : cap * 2);
    return uniform(Math.min(initialNanos / 2, cap), cap);
  }

  /** The wait after the proxy rejected the credential (HTTP 401 or 403). */
  public Duration rejected() {
    capNanos = maxNanos;
    return uniform(maxNanos / 2, maxNanos);
  }

  /**
   * The wait after a session that lasted {@code uptime} ended, by GoAway or otherwise.
   *
   * @return zero for a prompt reconnect
   */
  public Duration sessionEnded(Duration uptime, boolean goAway) {
    if (uptime.toNanos() >= stableAfterNanos) {
      reset();
    }
    if (goAway && !promptUsed) {
      promptUsed = true;
      return Duration.ZERO;
    }
    return failed();
  }

  /** Back to the initial interval, as after a stable session. */
  public void reset() {
    capNanos = initialNanos;
    promptUsed = false;
  }

  private Duration uniform(long low, long high) {
    return Duration.ofNanos(low + (long) (random.nextDouble() * (high - low)));
  }
}
