package io.visiona.tunnel.agent;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The virtual threads an agent started, so that closing can wait for every one of them. */
final class Workers {

  private final Set<Thread> live = ConcurrentHashMap.newKeySet();

  void start(String name, Runnable task) {
    Thread thread =
        Thread.ofVirtual()
            .name(name)
            .unstarted(
                () -> {
                  try {
                    task.run();
                  } finally {
                    live.remove(Thread.currentThread());
                  }
                });
    live.add(thread);
    thread.start();
  }

  /**
   * Waits until every thread, including any started meanwhile, has ended, or until {@code deadline}
   * ({@link System#nanoTime()}) has passed.
   *
   * @return true if none is left
   */
  boolean awaitAll(long deadline) throws InterruptedException {
    while (!live.isEmpty()) {
      for (Thread t : Set.copyOf(live)) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return live.isEmpty();
        }
        t.join(Duration.ofNanos(left));
      }
    }
    return true;
  }

  int count() {
    return live.size();
  }
}
