package io.visiona.tunnel;

import static io.visiona.tunnel.FrameHeader.GO_AWAY_NORMAL;
import static io.visiona.tunnel.FrameHeader.GO_AWAY_PROTOCOL_ERROR;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A yamux session (hashicorp/yamux {@code spec.md}) over one {@link Transport}: its public API and
 * its lifecycle. The parts, one job each:
 *
 * <ul>
 *   <li>{@link FrameParser} parses received bytes on the transport's delivering thread and hands
 *       each frame to the {@link InboundDispatcher}, which never waits for the application:
 *       payloads go into stream buffers that the windows bound;
 *   <li>{@link FrameWriter} queues frames for the writer virtual thread, which batches them into
 *       transport writes, control frames first; the {@link StuckWriteWatchdog} ends the session
 *       when the transport takes nothing for the write timeout;
 *   <li>{@link StreamTable} holds the live streams and the memory budget, {@link AcceptQueue} the
 *       peer's streams not yet accepted, {@link Pinger} pings and the keepalive;
 *   <li>each {@link Stream} reaches the session only through its {@link StreamHost}.
 * </ul>
 *
 * <p>{@link #client} and {@link #server} construct the session, then start its threads and the
 * transport's delivery. The client role opens odd stream ids, the server role even ones.
 */
public final class Session implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(Session.class.getName());
  private static final int CONTROL_QUEUE = 64 * 1024;
  private static final Duration FLUSH_ON_CLOSE = Duration.ofSeconds(1);

  private final Transport transport;
  private final Config config;
  private final boolean client;
  private final String name;
  private final FrameWriter writer;
  private final StuckWriteWatchdog watchdog;
  private final StreamTable streams;
  private final AcceptQueue acceptQueue;
  private final Pinger pinger;
  private final SessionCounters counters = new SessionCounters();
  private final AckBacklog ackBacklog;
  private final StreamHost streamHost;
  private final InboundDispatcher inbound;

  private final AtomicBoolean closed = new AtomicBoolean();
  private final CountDownLatch shutdownComplete = new CountDownLatch(1);
  private volatile IOException closeCause;
  private volatile boolean closedLocally;
  private final List<Consumer<Throwable>> closeListeners = new CopyOnWriteArrayList<>();
  private final PeerGoAway peerGoAway = new PeerGoAway();
  private volatile boolean localGoAway;
  private volatile Thread writerThread;

  /** Builds the parts; nothing runs until {@link #start()}. */
  private Session(Transport transport, Config config, boolean client, String name) {
    this.transport = transport;
    this.config = config;
    this.client = client;
    this.name = name;
    this.writer = new FrameWriter(config.sendBufferSize(), CONTROL_QUEUE, config.writeTimeout());
    this.watchdog =
        new StuckWriteWatchdog(
            writer::lastProgressNanos, config.writeTimeout(), Timers::watchdog, this::writeStuck);
    writer.watch(watchdog, this::writeStuck);
    this.streams = new StreamTable(client, config);
    this.acceptQueue = new AcceptQueue(config.acceptBacklog());
    this.pinger = new Pinger(writer, config);
    this.ackBacklog = new AckBacklog(config);
    this.streamHost = new SessionStreamHost(this, writer, streams, pinger, counters, ackBacklog);
    this.inbound =
        new InboundDispatcher(this, streams, acceptQueue, streamHost, writer, pinger, counters);
  }

  /** The session of the side that dialled (opens odd stream ids), started. */
  public static Session client(Transport transport, Config config) {
    return new Session(transport, config, true, "yamux-client").start();
  }

  /** The session of the side that accepted the connection (opens even stream ids), started. */
  public static Session server(Transport transport, Config config) {
    return new Session(transport, config, false, "yamux-server").start();
  }

  /** Starts the writer, then the transport's delivery, then the keepalive and the first ping. */
  private Session start() {
    // The writer exists before received bytes can shut the session down.
    writerThread = Thread.ofVirtual().name(name + "-writer").start(this::writeLoop);
    transport.start(new FrameParser(inbound));
    if (!config.keepAliveInterval().isZero()) {
      Thread.ofVirtual()
          .name(name + "-keepalive")
          .start(() -> pinger.keepAlive(shutdownComplete, inbound::lastFrameNanos, this::ended));
    }
    if (config.maxWindow() > config.initialWindow()) {
      // One ping up front gives window auto-tuning a round-trip time to work with.
      Thread.ofVirtual().name(name + "-rtt").start(this::firstPing);
    }
    return this;
  }

  public Config config() {
    return config;
  }

  public boolean isClient() {
    return client;
  }

  public Transport transport() {
    return transport;
  }

  /**
   * Opens a stream. Waits while {@link Config#ackBacklog()} opened streams still await the peer's
   * ACK, at most {@link Config#openTimeout()}.
   */
  public Stream openStream() throws IOException {
    ensureOpen();
    if (peerGoAway.received()) {
      throw new GoAwayException(GO_AWAY_NORMAL);
    }
    ackBacklog.acquire();
    Stream stream;
    try {
      ensureOpen();
      stream = streams.open(id -> new Stream(streamHost, id, true, config.initialWindow()), config);
    } catch (IOException | RuntimeException e) {
      ackBacklog.release();
      throw e;
    }
    try {
      writer.syn(stream.id(), windowAdvertisement());
    } catch (IOException e) {
      stream.onSessionClosed(e);
      throw e;
    }
    return stream;
  }

  /** Waits for the peer to open a stream, then acknowledges it. */
  public Stream acceptStream() throws IOException {
    return acceptStream(null);
  }

  /**
   * Waits at most {@code timeout} ({@code null}: forever) for the peer to open a stream.
   *
   * @throws SocketTimeoutException if none arrived in time
   * @throws SessionClosedException once the session is closed
   */
  public Stream acceptStream(Duration timeout) throws IOException {
    ensureOpen();
    Stream stream = acceptQueue.take(timeout);
    // hashicorp acknowledges on accept: the peer's open backlog drains only as we accept.
    writer.ack(stream.id(), windowAdvertisement());
    return stream;
  }

  /** Extra window announced with SYN/ACK when streams start with more than the spec's 256 KiB. */
  private int windowAdvertisement() {
    return config.initialWindow() - Config.SPEC_INITIAL_WINDOW;
  }

  /** Round trip of a Ping, bounded by the keepalive timeout (or 10 s if that is zero). */
  public Duration ping() throws IOException {
    ensureOpen();
    return pinger.ping();
  }

  private void firstPing() {
    try {
      pinger.ping();
    } catch (IOException e) {
      LOG.log(System.Logger.Level.DEBUG, () -> "initial ping failed: " + e.getMessage());
    }
  }

  /** Tells the peer this side opens no new streams and accepts none; existing streams go on. */
  public void goAway() throws IOException {
    localGoAway = true;
    writer.goAway(GO_AWAY_NORMAL);
  }

  /** True once the peer sent GoAway(normal): {@link #openStream()} fails from then on. */
  public boolean peerGoingAway() {
    return peerGoAway.received();
  }

  /**
   * Runs {@code listener} once when the peer sends GoAway(normal), at once if it already has. It
   * runs on the thread that delivers received bytes (see {@link Transport}) and must not block.
   */
  public void onPeerGoAway(Runnable listener) {
    peerGoAway.onReceived(listener);
  }

  /** Closes the session: queued frames get a moment to go out, then the transport is closed. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      closedLocally = true;
      closeCause = new SessionClosedException("session closed locally", null);
      finishShutdown(closeCause, true);
    }
  }

  /**
   * True once the session has begun to close, by either side: it opens and accepts no more streams.
   * {@link #awaitClosed} waits until everything is released.
   */
  public boolean isClosed() {
    return closed.get();
  }

  /** Waits until the session has fully closed. */
  public boolean awaitClosed(Duration timeout) throws InterruptedException {
    return shutdownComplete.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Why the session closed; {@code null} while open. */
  public IOException closeCause() {
    return closeCause;
  }

  /**
   * Runs {@code listener} once when the session closes, with the cause ({@code null} after a local
   * {@link #close()}). Runs at once if the session is already closed.
   */
  public void onClose(Consumer<Throwable> listener) {
    closeListeners.add(listener);
    if (shutdownComplete.getCount() == 0 && closeListeners.remove(listener)) {
      listener.accept(closedLocally ? null : closeCause);
    }
  }

  /** Ends the session on this thread without flushing (the transport failed or is stuck). */
  private void ended(IOException cause) {
    if (closed.compareAndSet(false, true)) {
      closeCause = cause;
      finishShutdown(cause, false);
    }
  }

  /**
   * Ends the session on a thread of its own: a flush waits for the writer, which may need the very
   * thread that delivered the input (a WebSocket client's selector thread). The cause is settled
   * here, so that a write failing meanwhile does not replace it.
   */
  private void endAsync(IOException cause, boolean flush) {
    if (closed.compareAndSet(false, true)) {
      closeCause = cause;
      Thread.ofVirtual().name(name + "-shutdown").start(() -> finishShutdown(cause, flush));
    }
  }

  /**
   * After the shutdown was claimed: flush if the peer may still read, close the transport, fail the
   * streams, tell the listeners.
   */
  private void finishShutdown(IOException cause, boolean flush) {
    watchdog.stop();
    writer.shutdown();
    Thread writing = writerThread;
    if (flush && writing != null && Thread.currentThread() != writing) {
      try {
        // Let queued frames (a GoAway, the last data) reach the peer, but never wait long.
        writing.join(FLUSH_ON_CLOSE);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    transport.close();
    writer.fail(cause);
    for (Stream s : streams.snapshot()) {
      s.onSessionClosed(cause);
    }
    pinger.failAll(cause);
    for (Stream s : acceptQueue.close(cause)) {
      s.onSessionClosed(cause);
    }
    shutdownComplete.countDown();
    Throwable reported = closedLocally ? null : cause;
    for (Consumer<Throwable> l : closeListeners) {
      if (closeListeners.remove(l)) {
        try {
          l.accept(reported);
        } catch (RuntimeException e) {
          LOG.log(System.Logger.Level.WARNING, "close listener failed", e);
        }
      }
    }
  }

  private void ensureOpen() throws IOException {
    if (closed.get()) {
      throw new SessionClosedException("session closed", closeCause);
    }
  }

  // Called by the InboundDispatcher, on the transport's delivering thread.

  /** True while this side refuses the peer's new streams (GoAway sent, or closing). */
  boolean refusesNewStreams() {
    return localGoAway || closed.get();
  }

  void goAwayReceived(int code) {
    if (code != GO_AWAY_NORMAL) {
      inputEnded(new GoAwayException(code));
      return;
    }
    peerGoAway.receivedNow();
  }

  void protocolError(ProtocolException e) {
    LOG.log(
        System.Logger.Level.DEBUG,
        () -> "yamux protocol error from " + transport.describe() + ": " + e.getMessage());
    try {
      writer.goAway(GO_AWAY_PROTOCOL_ERROR);
    } catch (IOException ignored) {
      // already closing
    }
    endAsync(e, true); // the GoAway goes out first
  }

  /**
   * Received input ended the session (end of input, a transport failure, the peer's GoAway with an
   * error). Nothing is flushed: the connection is gone or the peer has ended the session, and
   * closing the transport at once frees a write stuck on a dead connection.
   */
  void inputEnded(IOException cause) {
    endAsync(cause, false);
  }

  /**
   * The transport took nothing for the write timeout: ends the session, closing the transport frees
   * the stuck write. Nothing is flushed (nothing can be).
   */
  private void writeStuck(IOException cause) {
    LOG.log(
        System.Logger.Level.DEBUG,
        () -> "yamux write stuck on " + transport.describe() + ": " + cause.getMessage());
    endAsync(cause, false);
  }

  private void writeLoop() {
    try {
      writer.run(transport);
    } catch (IOException e) {
      ended(e); // the transport failed: nothing more can be flushed
    }
  }

  /** A consistent-enough snapshot of the session's counters. */
  public SessionStats stats() {
    return counters.snapshot(
        streams.size(), acceptQueue.size(), streams.committed(), pinger.rttNanos());
  }

  /** Bytes of frame buffers this session holds right now (memory accounting, tests). */
  int retainedBufferBytes() {
    int n = writer.retainedBytes();
    if (transport instanceof SocketTransport socket) {
      n += socket.retainedBytes();
    }
    return n;
  }

  /** Streams currently held by the session (for tests and diagnostics). */
  List<Stream> liveStreams() {
    return streams.snapshot();
  }

  /**
   * Checks every stream's window invariant and the memory budget (tests, while no stream is being
   * opened or released).
   *
   * @throws AssertionError if one does not hold
   */
  void checkInvariants() {
    streams.checkInvariants();
  }

  /** Close timers not yet fired or cancelled, across all sessions (for leak checks). */
  static int pendingTimers() {
    return Timers.pendingCloseTimers();
  }
}
