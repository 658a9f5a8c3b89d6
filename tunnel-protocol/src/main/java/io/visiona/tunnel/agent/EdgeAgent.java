package io.visiona.tunnel.agent;

import io.visiona.tunnel.Session;
import io.visiona.tunnel.WebSocketClient;
import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The runtime of an edge agent: keeps one tunnel to the remote-proxy open and splices every stream
 * the proxy opens to the box's local web API.
 *
 * <p>One connector thread dials the proxy, waits while the tunnel is up and reconnects with
 * jittered exponential backoff when it ends or a connection attempt fails (see {@link Backoff}). A
 * GoAway from the proxy (drain) makes it reconnect at once while the streams of the old tunnel
 * finish. If the proxy rejects the credential, it waits about the longest backoff before trying
 * again. Each tunnel has an acceptor thread and each stream a splicer; all are virtual threads.
 *
 * <pre>{@code
 * try (EdgeAgent agent = new EdgeAgent(config)) {
 *   agent.start();
 *   ...
 * }
 * }</pre>
 */
public final class EdgeAgent implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(EdgeAgent.class.getName());
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

  private final AgentConfig config;
  private final Backoff backoff;
  private final Semaphore permits;
  private final Counters counters = new Counters();
  private final Workers workers = new Workers();
  private final Set<Tunnel> tunnels = ConcurrentHashMap.newKeySet();
  private final List<Consumer<AgentState>> listeners = new CopyOnWriteArrayList<>();
  private final CountDownLatch stop = new CountDownLatch(1);
  private final ReentrantLock lock = new ReentrantLock();

  private volatile AgentState state = AgentState.NEW;
  private boolean started; // guarded by lock
  private boolean closing; // guarded by lock
  private Thread connector; // guarded by lock
  private HttpClient http; // guarded by lock

  public EdgeAgent(AgentConfig config) {
    this.config = config;
    this.backoff =
        new Backoff(
            config.initialBackoff(), config.maxBackoff(), config.stableAfter(), new Random());
    this.permits = new Semaphore(config.maxConcurrentStreams());
  }

  /** Starts connecting in the background. At most once. */
  public void start() {
    lock.lock();
    try {
      if (started || closing) {
        throw new IllegalStateException("agent already started or closed");
      }
      started = true;
      // Only the JDK WebSocket client needs an HttpClient. Callbacks inline on its selector
      // thread: the tunnel's listener never blocks, and a hand-off to another thread would cost
      // every received message a wake-up (and can lose a connection end, see WebSocketTransport).
      if (config.webSocketClient() == WebSocketClient.JDK) {
        http =
            HttpClient.newBuilder()
                .connectTimeout(config.connectTimeout())
                .executor(Runnable::run)
                .build();
      }
      ProxyDialer dialer = new ProxyDialer(config, http);
      LOG.log(System.Logger.Level.INFO, () -> "edge agent starting: " + config);
      workers.start("edge-agent-connector", () -> connectLoop(dialer));
    } finally {
      lock.unlock();
    }
  }

  public AgentState state() {
    return state;
  }

  /**
   * Calls {@code listener} on every state change, on the thread that made it (mostly the connector
   * thread): it must return quickly and must not call {@link #close()}.
   */
  public void addStateListener(Consumer<AgentState> listener) {
    listeners.add(listener);
  }

  /** A snapshot of the counters; {@link AgentStats#activeStreams()} is counted now. */
  public AgentStats stats() {
    int active = 0;
    for (Tunnel t : tunnels) {
      active += t.activeStreams();
    }
    return counters.snapshot(active);
  }

  /**
   * Ends everything: the connector, every tunnel (their sessions are closed) and every splice (the
   * streams are reset, the target connections closed). Returns within about ten seconds at most.
   */
  @Override
  public void close() {
    lock.lock();
    try {
      if (closing) {
        return;
      }
      closing = true;
      stop.countDown();
      if (connector != null) {
        connector.interrupt(); // ends a connection attempt in progress
      }
    } finally {
      lock.unlock();
    }
    tunnels.forEach(Tunnel::close);
    long deadline = System.nanoTime() + CLOSE_TIMEOUT.toNanos();
    boolean interrupted = false;
    try {
      if (!workers.awaitAll(deadline)) {
        LOG.log(System.Logger.Level.WARNING, workers.count() + " agent threads did not end");
      }
      closeHttp(deadline);
    } catch (InterruptedException e) {
      interrupted = true;
    }
    setState(AgentState.CLOSED);
    LOG.log(System.Logger.Level.INFO, "edge agent closed");
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void closeHttp(long deadline) throws InterruptedException {
    HttpClient client;
    lock.lock();
    try {
      client = http;
    } finally {
      lock.unlock();
    }
    if (client == null) {
      return;
    }
    client.shutdownNow();
    client.awaitTermination(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
  }

  // ---------------------------------------------------------------- connector thread

  private void connectLoop(ProxyDialer dialer) {
    lock.lock();
    try {
      if (closing) {
        return;
      }
      connector = Thread.currentThread();
    } finally {
      lock.unlock();
    }
    try {
      Duration wait = Duration.ZERO;
      while (pause(wait)) {
        wait = connectAndServe(dialer);
      }
    } catch (InterruptedException e) {
      // closing
    }
  }

  /** Waits {@code wait} unless the agent is closing; false once it is. */
  private boolean pause(Duration wait) throws InterruptedException {
    if (!wait.isZero()) {
      setState(AgentState.BACKING_OFF);
      if (stop.await(wait.toNanos(), TimeUnit.NANOSECONDS)) {
        return false;
      }
    }
    return !isClosing();
  }

  /** One connection attempt and, if it succeeds, the tunnel's lifetime; returns the next wait. */
  private Duration connectAndServe(ProxyDialer dialer) throws InterruptedException {
    setState(AgentState.CONNECTING);
    Session session;
    try {
      session = dialer.dial();
    } catch (ProxyDialer.CredentialRejectedException e) {
      counters.connectFailures.increment();
      counters.credentialRejections.increment();
      Duration wait = backoff.rejected();
      LOG.log(
          System.Logger.Level.ERROR,
          () ->
              "proxy "
                  + config.proxyUri()
                  + " rejected the device credential (HTTP "
                  + e.status()
                  + "); check the agent's credential; next attempt in "
                  + wait);
      return wait;
    } catch (IOException e) {
      if (isClosing()) {
        throw new InterruptedException("closing");
      }
      counters.connectFailures.increment();
      Duration wait = backoff.failed();
      LOG.log(
          System.Logger.Level.WARNING,
          () ->
              "connecting to "
                  + config.proxyUri()
                  + " failed: "
                  + e.getMessage()
                  + "; next attempt in "
                  + wait);
      return wait;
    }
    Tunnel tunnel = register(session);
    if (tunnel == null) {
      session.close();
      throw new InterruptedException("closing");
    }
    counters.connects.increment();
    long upSince = System.nanoTime();
    setState(AgentState.CONNECTED);
    LOG.log(System.Logger.Level.INFO, () -> "tunnel to " + config.proxyUri() + " is up");

    Tunnel.Ending ending = tunnel.awaitEnd();
    Duration uptime = Duration.ofNanos(System.nanoTime() - upSince);
    if (isClosing()) {
      throw new InterruptedException("closing");
    }
    boolean goAway = ending == Tunnel.Ending.GO_AWAY;
    Duration wait = backoff.sessionEnded(uptime, goAway);
    if (goAway) {
      counters.goAways.increment();
      tunnel.drain();
    }
    LOG.log(
        goAway ? System.Logger.Level.INFO : System.Logger.Level.WARNING,
        () ->
            (goAway ? "proxy sent GoAway" : "tunnel closed: " + session.closeCause())
                + " after "
                + uptime
                + "; reconnecting"
                + (wait.isZero() ? " now" : " in " + wait));
    return wait;
  }

  /** Starts serving the session, unless the agent is closing (then null). */
  private Tunnel register(Session session) {
    lock.lock();
    try {
      if (closing) {
        return null;
      }
      Tunnel tunnel = new Tunnel(session, config, permits, counters, workers, tunnels::remove);
      tunnels.add(tunnel);
      tunnel.start("edge-agent-accept-" + counters.connects.sum());
      return tunnel;
    } finally {
      lock.unlock();
    }
  }

  private boolean isClosing() {
    lock.lock();
    try {
      return closing;
    } finally {
      lock.unlock();
    }
  }

  private void setState(AgentState next) {
    if (state == AgentState.CLOSED) {
      return;
    }
    state = next;
    for (Consumer<AgentState> l : listeners) {
      try {
        l.accept(next);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "agent state listener failed", e);
      }
    }
  }
}
