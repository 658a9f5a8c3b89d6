package io.visiona.proxy.ws;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs closes side by side, each on a virtual thread, and waits a bounded time: one connection
 * whose peer does not read must not hold up the others, nor the shutdown for long.
 */
public final class ParallelClose {

  private ParallelClose() {}

  /** Runs every close; waits at most {@code wait} for all of them. True if all finished. */
  public static boolean run(List<Runnable> closes, Duration wait) {
    CountDownLatch done = new CountDownLatch(closes.size());
    for (Runnable close : closes) {
      Thread.ofVirtual()
          .name("close-on-shutdown")
          .start(
              () -> {
                try {
                  close.run();
                } finally {
                  done.countDown();
                }
              });
    }
    try {
      return done.await(wait.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
