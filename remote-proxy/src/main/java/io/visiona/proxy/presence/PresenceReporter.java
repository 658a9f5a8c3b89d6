package io.visiona.proxy.presence;

import io.visiona.proxy.auth.ApiServerClient;
import io.visiona.proxy.metrics.ProxyMetrics;
import io.visiona.proxy.presence.PresenceCallException.Kind;
import io.visiona.proxy.tunnel.AgentTunnel;
import io.visiona.proxy.tunnel.TunnelListener;
import io.visiona.proxy.tunnel.TunnelRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Tells the api-servers which devices are connected here (issue 17, the presence contract): a
 * heartbeat every {@code heartbeat-interval} renews this replica's lease (and with it that of all
 * its tunnels), and tunnel connects and disconnects go out in batches every {@code
 * report-interval}, at most {@link #MAX_EVENTS_PER_CALL} per call, in order.
 *
 * <p>One virtual thread does all calls, so events leave in the order they happened. A failed call
 * is retried with jittered exponential backoff up to {@code max-backoff}, its events kept (at most
 * {@code max-pending-events}). On overflow the queue is dropped and the replica resyncs: a new boot
 * id (which makes every presence row of the old boot dead at once, including those whose disconnect
 * was dropped), a heartbeat, and a connect for every live tunnel. A 409 STALE_BOOT answer is
 * followed by a heartbeat and the same events again. Connections the api-server lists in {@code
 * close} lost to a newer connection elsewhere and are closed here.
 */
public final class PresenceReporter implements TunnelListener, AutoCloseable {

  public static final int MAX_EVENTS_PER_CALL = 1000;

  private static final Logger LOG = Logger.getLogger(PresenceReporter.class.getName());

  private final ReplicaSettings replica;
  private final PresenceSettings settings;
  private final PresenceClient client;
  private final TunnelRegistry registry;
  private final ProxyMetrics metrics;
  private final Clock clock;
  private final PresenceQueue queue;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition wake = lock.newCondition();
  private boolean stopping;
  private boolean flushing;
  private long flushDeadline;
  private Thread thread;

  // Touched by the reporter thread only.
  private String boot = UUID.randomUUID().toString();
  private boolean heartbeatDue = true;
  private boolean snapshotDue;
  private long nextHeartbeat;
  private int failures;
  private boolean leaseWarned;

  public PresenceReporter(
      ReplicaSettings replica,
      PresenceSettings settings,
      ApiServerClient api,
      TunnelRegistry registry,
      ProxyMetrics metrics,
      Clock clock) {
    this.replica = replica;
    this.settings = settings;
    this.client = new PresenceClient(api);
    this.registry = registry;
    this.metrics = metrics;
    this.clock = clock;
    this.queue = new PresenceQueue(settings.maxPendingEvents());
    metrics.presencePending(queue::size);
    registry.listen(this);
  }

  /** This process's boot id, as sent with every call (a new one after a resync). */
  public String boot() {
    lock.lock();
    try {
      return boot;
    } finally {
      lock.unlock();
    }
  }

  /** Events waiting to be sent. */
  public int pending() {
    return queue.size();
  }

  @Override
  public void connected(AgentTunnel tunnel) {
    enqueue(PresenceEvent.connect(tunnel));
  }

  @Override
  public void disconnected(AgentTunnel tunnel) {
    enqueue(PresenceEvent.disconnect(tunnel, clock.millis()));
  }

  private void enqueue(PresenceEvent e) {
    if (!queue.offer(e)) {
      LOG.warning(
          "presence: more than "
              + settings.maxPendingEvents()
              + " events pending; dropped them, a full resync follows");
      signal();
    }
  }

  /** Starts the reporter thread: a heartbeat first, then events. */
  public PresenceReporter start() {
    lock.lock();
    try {
      thread = Thread.ofVirtual().name("presence-reporter").start(this::run);
    } finally {
      lock.unlock();
    }
    return this;
  }

  /**
   * Drain: sends what is pending now (the tunnels' disconnects included), for at most {@code
   * bound}, then stops.
   */
  public void flushAndStop(Duration bound) {
    Thread t;
    lock.lock();
    try {
      flushing = true;
      flushDeadline = System.nanoTime() + bound.toNanos();
      wake.signalAll();
      t = thread;
    } finally {
      lock.unlock();
    }
    join(t, bound);
    close();
  }

  /** Stops at once; what is pending is not sent (an abrupt stop: the leases expire). */
  @Override
  public void close() {
    Thread t;
    lock.lock();
    try {
      stopping = true;
      wake.signalAll();
      t = thread;
    } finally {
      lock.unlock();
    }
    if (t != null) {
      t.interrupt();
      join(t, Duration.ofSeconds(1));
    }
  }

  private static void join(Thread t, Duration bound) {
    if (t == null) {
      return;
    }
    try {
      t.join(bound);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void signal() {
    lock.lock();
    try {
      wake.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void run() {
    while (!stopped()) {
      boolean finalFlush = flushingNow();
      if (finalFlush && queue.size() == 0 && !queue.resyncPending() && !snapshotDue) {
        // Nothing left to tell; a heartbeat would only extend a lease about to lapse anyway.
        return;
      }
      try {
        cycle();
        failures = 0;
        if (finalFlush) {
          continue;
        }
        awaitNanos(
            Math.min(nextHeartbeat - System.nanoTime(), settings.reportInterval().toNanos()),
            false);
      } catch (PresenceCallException e) {
        failures++;
        if (failures == 1) {
          LOG.warning("presence: " + e.getMessage() + "; retrying");
        } else {
          LOG.log(Level.FINE, () -> "presence: " + e.getMessage() + " (" + failures + " failures)");
        }
        if (finalFlush && System.nanoTime() - flushDeadline >= 0) {
          return;
        }
        // A stale boot is answered by a heartbeat right away; a second one in a row backs off.
        if (e.kind() != Kind.STALE_BOOT || failures > 1) {
          awaitNanos(backoff().toNanos(), finalFlush);
        }
      }
    }
  }

  private void cycle() throws PresenceCallException {
    if (queue.takeResync()) {
      lock.lock();
      try {
        boot = UUID.randomUUID().toString();
      } finally {
        lock.unlock();
      }
      heartbeatDue = true;
      snapshotDue = true;
      metrics.presenceResync();
    }
    if (heartbeatDue || System.nanoTime() - nextHeartbeat >= 0) {
      heartbeat();
    }
    if (snapshotDue) {
      List<PresenceEvent> all = registry.snapshot().stream().map(PresenceEvent::connect).toList();
      for (int from = 0; from < all.size(); from += MAX_EVENTS_PER_CALL) {
        send(all.subList(from, Math.min(all.size(), from + MAX_EVENTS_PER_CALL)));
      }
      snapshotDue = false;
    }
    while (true) {
      PresenceQueue.Batch batch = queue.peek(MAX_EVENTS_PER_CALL);
      if (batch.events().isEmpty()) {
        return;
      }
      try {
        send(batch.events());
      } catch (PresenceCallException e) {
        if (e.kind() != Kind.REJECTED) {
          throw e;
        }
        LOG.severe(
            "presence: " + e.getMessage() + "; dropped " + batch.events().size() + " events");
      }
      queue.ack(batch);
    }
  }

  private void heartbeat() throws PresenceCallException {
    try {
      long leaseMs = client.heartbeat(replica, boot, registry.size());
      metrics.presenceHeartbeat("ok");
      heartbeatDue = false;
      nextHeartbeat = System.nanoTime() + settings.heartbeatInterval().toNanos();
      if (!leaseWarned && leaseMs > 0 && settings.heartbeatInterval().toMillis() * 2 > leaseMs) {
        leaseWarned = true;
        LOG.warning(
            "presence: proxy.presence.heartbeat-interval "
                + settings.heartbeatInterval()
                + " is not well under the api-server's lease of "
                + leaseMs
                + " ms; devices may show offline between heartbeats");
      }
    } catch (PresenceCallException e) {
      metrics.presenceHeartbeat("failed");
      throw e;
    }
  }

  private void send(List<PresenceEvent> events) throws PresenceCallException {
    List<PresenceClient.Close> closes;
    try {
      closes = client.events(replica.id(), boot, events);
    } catch (PresenceCallException e) {
      metrics.presenceReport(e.kind().name());
      if (e.kind() == Kind.STALE_BOOT) {
        heartbeatDue = true;
      }
      throw e;
    }
    metrics.presenceReport("ok");
    for (PresenceClient.Close c : closes) {
      if (registry.close(c.device(), c.connection())) {
        metrics.presenceFenced();
        LOG.fine(
            () -> "presence: closed " + c.device() + " " + c.connection() + ", newer elsewhere");
      }
    }
  }

  /** Jittered exponential backoff: between half and all of min(max, interval * 2^(failures-1)). */
  private Duration backoff() {
    long base = settings.reportInterval().toMillis();
    long full = Math.min(settings.maxBackoff().toMillis(), base << Math.min(failures - 1, 20));
    long half = Math.max(1, full / 2);
    return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(full - half + 1));
  }

  private boolean stopped() {
    lock.lock();
    try {
      return stopping;
    } finally {
      lock.unlock();
    }
  }

  private boolean flushingNow() {
    lock.lock();
    try {
      return flushing;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits up to {@code nanos}; returns early when stopping, on an overflow (resync), or when a
   * flush starts that the last cycle did not know of ({@code flushKnown} false). During a flush no
   * wait goes past its deadline.
   */
  private void awaitNanos(long nanos, boolean flushKnown) {
    lock.lock();
    try {
      long end = System.nanoTime() + nanos;
      while (!stopping) {
        long left = end - System.nanoTime();
        if (flushing) {
          if (!flushKnown) {
            return;
          }
          left = Math.min(left, flushDeadline - System.nanoTime());
        }
        if (left <= 0 || queue.resyncPending()) {
          return;
        }
        wake.awaitNanos(left);
      }
    } catch (InterruptedException e) {
      stopping = true;
    } finally {
      lock.unlock();
    }
  }
}
