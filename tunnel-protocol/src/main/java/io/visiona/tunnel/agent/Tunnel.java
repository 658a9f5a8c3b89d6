package io.visiona.tunnel.agent;

import io.visiona.tunnel.Session;
import io.visiona.tunnel.Stream;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * One connected session: accepts the streams the proxy opens and splices each to the target, within
 * the agent-wide stream limit. After GoAway ({@link #drain()}) it keeps serving what is in flight
 * and closes the session once nothing is left.
 */
final class Tunnel {

  private static final System.Logger LOG = System.getLogger(Tunnel.class.getName());

  /** Why {@link #awaitEnd()} returned. */
  enum Ending {
    /** The session closed. */
    CLOSED,
    /** The proxy sent GoAway; the session goes on until its streams are done. */
    GO_AWAY
  }

  private final Session session;
  private final AgentConfig config;
  private final Semaphore permits;
  private final Counters counters;
  private final Workers workers;
  private final Consumer<Tunnel> onFinished;

  private final ReentrantLock lock = new ReentrantLock();
  private final Set<StreamSplicer> active = new HashSet<>(); // guarded by lock
  private boolean closed; // guarded by lock
  private boolean draining; // guarded by lock
  private boolean acceptorDone; // guarded by lock
  private boolean finished; // guarded by lock

  Tunnel(
      Session session,
      AgentConfig config,
      Semaphore permits,
      Counters counters,
      Workers workers,
      Consumer<Tunnel> onFinished) {
    this.session = session;
    this.config = config;
    this.permits = permits;
    this.counters = counters;
    this.workers = workers;
    this.onFinished = onFinished;
  }

  Session session() {
    return session;
  }

  void start(String name) {
    workers.start(name, this::acceptLoop);
  }

  /**
   * Waits until the session closes or the proxy sends GoAway. A session the proxy closed right
   * after its GoAway (a proxy shutting down) counts as GoAway too.
   */
  Ending awaitEnd() throws InterruptedException {
    CountDownLatch ended = new CountDownLatch(1);
    session.onPeerGoAway(ended::countDown);
    session.onClose(cause -> ended.countDown());
    ended.await();
    return session.peerGoingAway() ? Ending.GO_AWAY : Ending.CLOSED;
  }

  /** Closes the session as soon as no stream is left on it. */
  void drain() {
    lock.lock();
    try {
      draining = true;
    } finally {
      lock.unlock();
    }
    closeIfDrained();
  }

  /** Closes the session and aborts every splice at once. */
  void close() {
    List<StreamSplicer> splicers;
    lock.lock();
    try {
      closed = true;
      splicers = List.copyOf(active);
    } finally {
      lock.unlock();
    }
    session.close();
    splicers.forEach(StreamSplicer::abort);
  }

  int activeStreams() {
    lock.lock();
    try {
      return active.size();
    } finally {
      lock.unlock();
    }
  }

  private void acceptLoop() {
    try {
      while (true) {
        Stream stream = session.acceptStream();
        if (!permits.tryAcquire()) {
          counters.streamsRejected.increment();
          LOG.log(
              System.Logger.Level.DEBUG,
              () ->
                  "stream "
                      + stream.id()
                      + " reset: all "
                      + config.maxConcurrentStreams()
                      + " slots busy");
          stream.reset();
          continue;
        }
        StreamSplicer splicer =
            new StreamSplicer(
                stream, config.targetHost(), config.targetPort(), config.dialTimeout());
        if (!register(splicer)) {
          permits.release();
          stream.reset();
          return;
        }
        counters.streamsServed.increment();
        workers.start("edge-agent-splice-" + stream.id(), () -> splice(splicer));
      }
    } catch (IOException e) {
      // The session closed: nothing more to accept.
    } finally {
      lock.lock();
      try {
        acceptorDone = true;
      } finally {
        lock.unlock();
      }
      finishIfIdle();
    }
  }

  private void splice(StreamSplicer splicer) {
    try {
      if (splicer.run() == StreamSplicer.Outcome.DIAL_FAILED) {
        counters.dialFailures.increment();
      }
    } finally {
      permits.release();
      lock.lock();
      try {
        active.remove(splicer);
      } finally {
        lock.unlock();
      }
      closeIfDrained();
      finishIfIdle();
    }
  }

  private boolean register(StreamSplicer splicer) {
    lock.lock();
    try {
      return !closed && active.add(splicer);
    } finally {
      lock.unlock();
    }
  }

  private void closeIfDrained() {
    boolean close;
    lock.lock();
    try {
      close = draining && active.isEmpty();
    } finally {
      lock.unlock();
    }
    // Streams the proxy opened but the acceptor has not taken yet still count as work.
    if (close && session.stats().openStreams() == 0) {
      LOG.log(System.Logger.Level.DEBUG, "drained tunnel has no streams left; closing it");
      session.close();
    }
  }

  /** Tells the agent once the session is closed and no splice is left. */
  private void finishIfIdle() {
    lock.lock();
    try {
      if (finished || !acceptorDone || !active.isEmpty()) {
        return;
      }
      finished = true;
    } finally {
      lock.unlock();
    }
    onFinished.accept(this);
  }
}
