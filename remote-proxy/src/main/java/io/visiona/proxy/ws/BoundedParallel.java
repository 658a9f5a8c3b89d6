package io.visiona.proxy.ws;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs tasks side by side, each on a virtual thread, and waits a bounded time: at shutdown, one
 * connection whose peer does not read must not hold up the others, nor the shutdown for long. A
 * task still running after the wait goes on until it ends (closing its connection ends it).
 */
public final class BoundedParallel {

  private BoundedParallel() {}

  /** Runs every task; waits at most {@code wait} for all of them. True if all finished. */
  public static boolean run(List<Runnable> tasks, Duration wait) {
    CountDownLatch done = new CountDownLatch(tasks.size());
    for (Runnable task : tasks) {
      Thread.ofVirtual()
          .name("shutdown-task")
          .start(
              () -> {
                try {
                  task.run();
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
