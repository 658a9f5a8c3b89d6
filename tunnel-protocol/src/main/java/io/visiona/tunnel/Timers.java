package io.visiona.tunnel;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Timers shared by all sessions, one daemon thread each: tasks only queue a frame or close a
 * session, so one thread is plenty. Close timers and write watchdogs are apart so that close timers
 * can be counted alone (leak checks).
 */
final class Timers {

  private static final ScheduledThreadPoolExecutor CLOSE_TIMERS = create("yamux-timers");
  private static final ScheduledThreadPoolExecutor WATCHDOGS = create("yamux-write-watchdog");

  private Timers() {}

  /** A stream's close timeout. */
  static ScheduledFuture<?> closeTimer(Runnable task, Duration delay) {
    return CLOSE_TIMERS.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** A session's stuck-write check. */
  static ScheduledFuture<?> watchdog(Runnable task, Duration delay) {
    return WATCHDOGS.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Close timers not yet fired or cancelled, across all sessions. */
  static int pendingCloseTimers() {
    return CLOSE_TIMERS.getQueue().size();
  }

  private static ScheduledThreadPoolExecutor create(String threadName) {
    ScheduledThreadPoolExecutor executor =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, threadName);
              t.setDaemon(true);
              return t;
            });
    executor.setRemoveOnCancelPolicy(true);
    return executor;
  }
}
