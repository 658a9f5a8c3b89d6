package io.visiona.server.listener;

import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1ConnectionListener;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection whose request headers do not follow the request line within a bound.
 *
 * <p>Helidon 4.2 has no request-head timeout: its idle timer only interrupts a connection while it
 * waits for the request line, and a client that sends the line and then trickles headers holds the
 * connection indefinitely. Helidon calls {@link #prologue} and {@link #headers} on the connection's
 * own (virtual) thread, between which it only reads the headers: the deadline interrupts that
 * thread, which closes its socket (a virtual thread interrupted in a socket read closes the
 * socket). The pending deadline lives in a thread-local, since each connection has its own thread.
 */
final class RequestHeadDeadline implements Http1ConnectionListener {

  /** One daemon thread for the deadlines of every listener; cancelled ones are removed at once. */
  private static final ScheduledThreadPoolExecutor DEADLINES = deadlines();

  private static final ThreadLocal<Deadline> PENDING = new ThreadLocal<>();

  private final long timeoutNanos;

  RequestHeadDeadline(Duration timeout) {
    this.timeoutNanos = timeout.toNanos();
  }

  @Override
  public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
    cancelPending();
    Deadline deadline = new Deadline(Thread.currentThread());
    deadline.future = DEADLINES.schedule(deadline, timeoutNanos, TimeUnit.NANOSECONDS);
    PENDING.set(deadline);
  }

  @Override
  public void headers(ConnectionContext ctx, Headers headers) {
    cancelPending();
  }

  private static void cancelPending() {
    Deadline pending = PENDING.get();
    if (pending != null) {
      pending.cancel();
      PENDING.remove();
    }
  }

  /**
   * One request's deadline. Settled once, under its lock: either it interrupts the connection or it
   * is cancelled, so a deadline whose task is already running cannot interrupt the connection after
   * its headers have arrived.
   */
  private static final class Deadline implements Runnable {
    private final Thread connection;
    private volatile ScheduledFuture<?> future;
    private boolean settled;

    Deadline(Thread connection) {
      this.connection = connection;
    }

    @Override
    public synchronized void run() {
      if (!settled) {
        settled = true;
        connection.interrupt();
      }
    }

    synchronized void cancel() {
      settled = true;
      ScheduledFuture<?> f = future;
      if (f != null) {
        f.cancel(false);
      }
    }
  }

  private static ScheduledThreadPoolExecutor deadlines() {
    ScheduledThreadPoolExecutor e =
        new ScheduledThreadPoolExecutor(
            1, Thread.ofPlatform().name("request-head-deadlines").daemon().factory());
    e.setRemoveOnCancelPolicy(true);
    return e;
  }
}
