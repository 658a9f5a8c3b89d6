package io.visiona.tunnel;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.locks.Condition;

/** Bounded waits on conditions, with deadlines as {@link System#nanoTime()} values. */
final class Waits {

  private Waits() {}

  /** The deadline {@code timeout} from now; 0 (no limit) for {@code null} or zero. */
  static long deadline(Duration timeout) {
    return timeout == null || timeout.isZero() ? 0 : System.nanoTime() + timeout.toNanos();
  }

  /** Waits on {@code c}; false once {@code deadline} has passed. A zero deadline means no limit. */
  static boolean awaitUntil(Condition c, long deadline) throws IOException {
    try {
      if (deadline == 0) {
        c.await();
        return true;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      c.awaitNanos(left);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted");
    }
  }
}
