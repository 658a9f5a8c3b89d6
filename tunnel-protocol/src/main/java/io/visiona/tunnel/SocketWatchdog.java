package io.visiona.tunnel;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One daemon thread for the whole JVM that enforces deadlines a {@link java.net.Socket} cannot: the
 * write timeout and the handshake's overall deadline, both by closing the socket, which ends a
 * blocked read or write at once. Checks are cheap periodic tasks, so a write itself only stamps its
 * start (no task scheduled or cancelled per write).
 */
final class SocketWatchdog {

  private static final ScheduledThreadPoolExecutor TIMER = newTimer();

  private SocketWatchdog() {}

  private static ScheduledThreadPoolExecutor newTimer() {
    ScheduledThreadPoolExecutor t =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread thread = new Thread(r, "websocket-watchdog");
              thread.setDaemon(true);
              return thread;
            });
    t.setRemoveOnCancelPolicy(true); // cancelled checks of closed transports do not pile up
    return t;
  }

  /** Runs {@code check} every {@code period} until the returned future is cancelled. */
  static ScheduledFuture<?> every(Duration period, Runnable check) {
    long nanos = period.toNanos();
    return TIMER.scheduleWithFixedDelay(check, nanos, nanos, TimeUnit.NANOSECONDS);
  }

  /** Runs {@code action} once after {@code delay} unless the returned future is cancelled. */
  static ScheduledFuture<?> after(Duration delay, Runnable action) {
    return TIMER.schedule(action, delay.toNanos(), TimeUnit.NANOSECONDS);
  }
}
