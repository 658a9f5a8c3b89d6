package io.visiona.server.logging;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Bounds how often one kind of log line is written, so that a flood of bad requests cannot flood
 * the log: at most {@code linesPerPeriod} lines per period; the lines held back are counted and
 * reported with the next line that is written.
 *
 * <pre>{@code
 * throttle.admit().ifPresent(held -> LOG.warning("refused ..." + LogThrottle.heldBack(held)));
 * }</pre>
 *
 * Thread-safe.
 */
public final class LogThrottle {

  private final int linesPerPeriod;
  private final long periodNanos;
  private final LongSupplier nanoTime;
  private final ReentrantLock lock = new ReentrantLock();
  private long windowStart;
  private int written;
  private long heldBack;

  public LogThrottle(int linesPerPeriod, Duration period) {
    this(linesPerPeriod, period, System::nanoTime);
  }

  /** As {@link #LogThrottle(int, Duration)}, reading time from {@code nanoTime} (for tests). */
  public LogThrottle(int linesPerPeriod, Duration period, LongSupplier nanoTime) {
    if (linesPerPeriod < 1 || period.isNegative() || period.isZero()) {
      throw new IllegalArgumentException("a log throttle needs at least one line per period > 0");
    }
    this.linesPerPeriod = linesPerPeriod;
    this.periodNanos = period.toNanos();
    this.nanoTime = nanoTime;
    this.windowStart = nanoTime.getAsLong();
  }

  /**
   * Whether to write the line now: empty when it is held back, else the number of lines held back
   * since the last one written.
   */
  public OptionalLong admit() {
    long now = nanoTime.getAsLong();
    lock.lock();
    try {
      if (now - windowStart >= periodNanos) {
        windowStart = now;
        written = 0;
      }
      if (written >= linesPerPeriod) {
        heldBack++;
        return OptionalLong.empty();
      }
      written++;
      long held = heldBack;
      heldBack = 0;
      return OptionalLong.of(held);
    } finally {
      lock.unlock();
    }
  }

  /** A suffix for a log line: empty, or how many similar lines were held back before it. */
  public static String heldBack(long count) {
    return count == 0 ? "" : " (" + count + " similar lines held back)";
  }
}
