package io.visiona.proxy.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class BoundedParallelTest {

  @Test
  void allTasksRunSideBySide() {
    int n = 1000;
    CountDownLatch allStarted = new CountDownLatch(n);
    AtomicInteger finished = new AtomicInteger();
    Runnable close =
        () -> {
          allStarted.countDown();
          try {
            // Each close waits until every other one has started: only side by side can they end.
            allStarted.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          finished.incrementAndGet();
        };
    assertThat(BoundedParallel.run(java.util.Collections.nCopies(n, close), Duration.ofSeconds(10)))
        .isTrue();
    assertThat(finished).hasValue(n);
  }

  @Test
  void aStuckTaskDoesNotHoldUpTheOthersAndTheWaitIsBounded() {
    CountDownLatch never = new CountDownLatch(1);
    AtomicInteger finished = new AtomicInteger();
    Runnable stuck =
        () -> {
          try {
            never.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        };
    try {
      long start = System.nanoTime();
      boolean all =
          BoundedParallel.run(
              List.of(stuck, finished::incrementAndGet, finished::incrementAndGet),
              Duration.ofMillis(300));
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertThat(all).isFalse();
      assertThat(took).isBetween(Duration.ofMillis(300), Duration.ofSeconds(5));
      await().atMost(Duration.ofSeconds(5)).until(() -> finished.get() == 2);
    } finally {
      never.countDown();
    }
  }

  @Test
  void nothingToCloseReturnsAtOnce() {
    assertThat(BoundedParallel.run(List.of(), Duration.ofSeconds(10))).isTrue();
  }
}
