package io.visiona.tunnel;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * Ends a session whose transport has taken no bytes for the write timeout: a peer that stops
 * reading would otherwise block the writer, and everyone waiting on it, forever (a blocking socket
 * write has no timeout of its own). Progress, not the time a whole round takes, is what counts: the
 * transport reports each part of at most {@link Transport#PIECE} it took, so a slow but moving link
 * is never mistaken for a stuck one.
 *
 * <p>At most one timer per session, armed when a round starts and none is pending, re-armed while
 * rounds go on and dropped once the writer is idle, so an idle session holds none.
 */
final class StuckWriteWatchdog {

  /** Whether a round is being written, and when the transport last took some of it. */
  interface Rounds {
    /**
     * {@link System#nanoTime()} when the transport last took a piece of the round being written (or
     * the round started); {@code -1} if none is being written.
     */
    long lastProgressNanos();
  }

  private final Rounds rounds;
  private final Duration timeout;
  private final BiFunction<Runnable, Duration, ScheduledFuture<?>> scheduler;
  private final Consumer<IOException> onStuck;
  private final Object lock = new Object();
  private ScheduledFuture<?> timer; // guarded by lock
  private boolean stopped; // guarded by lock

  StuckWriteWatchdog(
      Rounds rounds,
      Duration timeout,
      BiFunction<Runnable, Duration, ScheduledFuture<?>> scheduler,
      Consumer<IOException> onStuck) {
    this.rounds = rounds;
    this.timeout = timeout;
    this.scheduler = scheduler;
    this.onStuck = onStuck;
  }

  /** A round is about to be written: makes sure a timer watches it. */
  void roundStarted() {
    synchronized (lock) {
      if (timer == null && !stopped) {
        timer = scheduler.apply(this::check, timeout);
      }
    }
  }

  private void check() {
    long stuckFor;
    synchronized (lock) {
      // Read under this lock: a round starting meanwhile either sees no timer and arms one, or
      // is seen here.
      long since = rounds.lastProgressNanos();
      timer = null;
      if (stopped || since < 0) {
        return;
      }
      stuckFor = System.nanoTime() - since;
      if (stuckFor < timeout.toNanos()) {
        timer = scheduler.apply(this::check, timeout.minusNanos(stuckFor));
        return;
      }
      stopped = true;
    }
    onStuck.accept(
        new SocketTimeoutException(
            "the transport took no bytes within the write timeout of "
                + timeout
                + " (the peer stopped reading)"));
  }

  /** The session ended: cancels the timer. */
  void stop() {
    synchronized (lock) {
      stopped = true;
      if (timer != null) {
        timer.cancel(false);
        timer = null;
      }
    }
  }
}
