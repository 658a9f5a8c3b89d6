package io.visiona.tunnel;

import static io.visiona.tunnel.FrameHeader.*;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * A yamux session (hashicorp/yamux {@code spec.md}) over one {@link Transport}.
 *
 * <p>Frames are parsed and dispatched on the thread that delivers received bytes (see {@link
 * Transport}), which never waits for the application: payloads are copied into stream buffers that
 * the windows bound. The session has a writer virtual thread, which batches queued frames into
 * transport writes with control frames first, and, if enabled, a keepalive pinger. Any inbound
 * frame proves the peer alive.
 *
 * <p>The client role opens odd stream ids, the server role even ones.
 */
public final class Session implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(Session.class.getName());
  private static final int CONTROL_QUEUE = 64 * 1024;
  private static final int MAX_OUTSTANDING_PINGS = 64;
  private static final Duration FLUSH_ON_CLOSE = Duration.ofSeconds(1);

  /** Close timers for all sessions: tasks only queue an RST, so one thread is plenty. */
  private static final ScheduledExecutorService TIMERS = timers("yamux-timers");

  /** Stuck-write watchdogs for all sessions, apart so that close timers can be counted alone. */
  private static final ScheduledExecutorService WATCHDOGS = timers("yamux-write-watchdog");

  private final Transport transport;
  private final Config config;
  private final boolean client;
  private final FrameWriter writer;
  private final StuckWriteWatchdog watchdog;
  private final Map<Integer, Stream> streams = new ConcurrentHashMap<>();
  private final Semaphore ackSlots;
  private final AtomicInteger nextId;
  private final AtomicLong committedWindow = new AtomicLong();

  private final ReentrantLock acceptLock = new ReentrantLock();
  private final Condition acceptable = acceptLock.newCondition();
  private final ArrayDeque<Stream> acceptQueue = new ArrayDeque<>();

  private final Map<Integer, CompletableFuture<Long>> pings = new ConcurrentHashMap<>();
  private final AtomicInteger nextPing = new AtomicInteger();

  private final AtomicBoolean closing = new AtomicBoolean();
  private final CountDownLatch closed = new CountDownLatch(1);
  private volatile IOException closeCause;
  private final List<Consumer<Throwable>> closeListeners = new CopyOnWriteArrayList<>();
  private final List<Runnable> goAwayListeners = new CopyOnWriteArrayList<>();
  private volatile boolean localGoAway;
  private volatile int remoteGoAway = -1;
  private volatile long lastInboundNanos = System.nanoTime();
  private volatile long rttNanos;

  private final LongAdder bytesIn = new LongAdder();
  private final LongAdder bytesOut = new LongAdder();
  private final LongAdder windowStalls = new LongAdder();
  private final Map<ResetReason, LongAdder> resets = new EnumMap<>(ResetReason.class);

  private final Thread writerThread;
  private final String name;

  private Session(Transport transport, Config config, boolean client, String name) {
    this.transport = transport;
    this.config = config;
    this.client = client;
    this.writer = new FrameWriter(config.sendBufferSize(), CONTROL_QUEUE, config.writeTimeout());
    this.watchdog =
        new StuckWriteWatchdog(
            writer::lastProgressNanos,
            config.writeTimeout(),
            (task, delay) -> WATCHDOGS.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS),
            this::writeStuck);
    writer.watch(watchdog, this::writeStuck);
    this.ackSlots = new Semaphore(config.ackBacklog());
    this.nextId = new AtomicInteger(client ? 1 : 2);
    for (ResetReason r : ResetReason.values()) {
      resets.put(r, new LongAdder());
    }
    this.name = name;
    // The writer exists before received bytes can shut the session down.
    this.writerThread = Thread.ofVirtual().name(name + "-writer").start(this::writeLoop);
    transport.start(new FrameParser(this));
    if (!config.keepAliveInterval().isZero()) {
      Thread.ofVirtual().name(name + "-keepalive").start(this::keepAliveLoop);
    }
    if (config.maxWindow() > config.initialWindow()) {
      // One ping up front gives window auto-tuning a round-trip time to work with.
      Thread.ofVirtual().name(name + "-rtt").start(this::measureRtt);
    }
  }

  /** The session of the side that dialled (opens odd stream ids). */
  public static Session client(Transport transport, Config config) {
    return new Session(transport, config, true, "yamux-client");
  }

  /** The session of the side that accepted the connection (opens even stream ids). */
  public static Session server(Transport transport, Config config) {
    return new Session(transport, config, false, "yamux-server");
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

  // ---------------------------------------------------------------- streams

  /**
   * Opens a stream. Waits while {@link Config#ackBacklog()} opened streams still await the peer's
   * ACK, at most {@link Config#openTimeout()}.
   */
  public Stream openStream() throws IOException {
    ensureOpen();
    if (remoteGoAway >= 0) {
      throw new GoAwayException(remoteGoAway);
    }
    acquireAckSlot();
    Stream stream;
    try {
      if (streams.size() >= config.maxStreams()) {
        throw new StreamLimitException(
            StreamLimitException.Limit.MAX_STREAMS, "too many streams: " + config.maxStreams());
      }
      if (!reserveBudget(config.initialWindow())) {
        throw new StreamLimitException(
            StreamLimitException.Limit.MEMORY_BUDGET, "session memory budget exhausted");
      }
      int id = nextId.getAndAdd(2);
      if (id < 0 || Integer.compareUnsigned(id, 0xFFFF_FFFE) >= 0) {
        releaseBudget(config.initialWindow());
        throw new StreamLimitException(
            StreamLimitException.Limit.STREAM_IDS, "stream ids exhausted");
      }
      stream = new Stream(this, id, true, config.initialWindow());
      streams.put(id, stream);
    } catch (IOException | RuntimeException e) {
      releaseAckSlot();
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
    long deadline = timeout == null ? 0 : System.nanoTime() + timeout.toNanos();
    Stream stream;
    acceptLock.lock();
    try {
      while ((stream = acceptQueue.poll()) == null) {
        ensureOpen();
        if (deadline == 0) {
          acceptable.await();
        } else {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            throw new SocketTimeoutException("no stream accepted in " + timeout);
          }
          acceptable.awaitNanos(left);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted");
    } finally {
      acceptLock.unlock();
    }
    // hashicorp acknowledges on accept: the peer's open backlog drains only as we accept.
    writer.ack(stream.id(), windowAdvertisement());
    return stream;
  }

  /** Extra window announced with SYN/ACK when streams start with more than the spec's 256 KiB. */
  private int windowAdvertisement() {
    return config.initialWindow() - Config.SPEC_INITIAL_WINDOW;
  }

  private void acquireAckSlot() throws IOException {
    try {
      if (!ackSlots.tryAcquire(config.openTimeout().toNanos(), TimeUnit.NANOSECONDS)) {
        throw new SocketTimeoutException(
            config.ackBacklog() + " streams await the peer's ACK; open timed out");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted");
    }
    if (closeCause != null || closing.get()) {
      ackSlots.release();
      ensureOpen();
    }
  }

  void releaseAckSlot() {
    ackSlots.release();
  }

  // ---------------------------------------------------------------- ping, GoAway, close

  /** Round trip of a Ping, bounded by the keepalive timeout (or 10 s if that is zero). */
  public Duration ping() throws IOException {
    ensureOpen();
    if (pings.size() >= MAX_OUTSTANDING_PINGS) {
      throw new IOException("too many pings outstanding");
    }
    int opaque = nextPing.incrementAndGet();
    CompletableFuture<Long> reply = new CompletableFuture<>();
    pings.put(opaque, reply);
    long start = System.nanoTime();
    try {
      writer.ping(opaque);
      Duration limit =
          config.keepAliveTimeout().isZero() ? Duration.ofSeconds(10) : config.keepAliveTimeout();
      long rtt = reply.get(limit.toNanos(), TimeUnit.NANOSECONDS) - start;
      recordRtt(rtt);
      return Duration.ofNanos(rtt);
    } catch (TimeoutException e) {
      throw new SocketTimeoutException("ping timed out");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted");
    } catch (ExecutionException e) {
      throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
    } finally {
      pings.remove(opaque);
    }
  }

  private void recordRtt(long rtt) {
    long previous = rttNanos;
    rttNanos = previous == 0 ? rtt : (previous * 7 + rtt) / 8;
  }

  long rttNanos() {
    return rttNanos;
  }

  /** Tells the peer this side opens no new streams and accepts none; existing streams go on. */
  public void goAway() throws IOException {
    localGoAway = true;
    writer.goAway(GO_AWAY_NORMAL);
  }

  /** True once the peer sent GoAway(normal): {@link #openStream()} fails from then on. */
  public boolean peerGoingAway() {
    return remoteGoAway >= 0;
  }

  /**
   * Runs {@code listener} once when the peer sends GoAway(normal), at once if it already has. It
   * runs on the thread that delivers received bytes (see {@link Transport}) and must not block.
   */
  public void onPeerGoAway(Runnable listener) {
    goAwayListeners.add(listener);
    if (remoteGoAway >= 0 && goAwayListeners.remove(listener)) {
      listener.run();
    }
  }

  /** Closes the session: queued frames get a moment to go out, then the transport is closed. */
  @Override
  public void close() {
    shutdown(new SessionClosedException("session closed locally", null), true);
  }

  public boolean isClosed() {
    return closing.get();
  }

  /** Waits until the session has fully closed. */
  public boolean awaitClosed(Duration timeout) throws InterruptedException {
    return closed.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
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
    if (closed.getCount() == 0 && closeListeners.remove(listener)) {
      listener.accept(localCause(closeCause));
    }
  }

  private static Throwable localCause(IOException cause) {
    return cause instanceof SessionClosedException
            && cause.getCause() == null
            && cause.getMessage().startsWith("session closed locally")
        ? null
        : cause;
  }

  /** Shuts down on this thread; {@code flush}: let queued frames go out first (up to 1 s). */
  private void shutdown(IOException cause, boolean flush) {
    if (closing.compareAndSet(false, true)) {
      closeCause = cause;
      finishShutdown(cause, flush);
    }
  }

  /**
   * After the shutdown was claimed: flush if the peer may still read, close the transport, fail the
   * streams, tell the listeners.
   */
  private void finishShutdown(IOException cause, boolean flush) {
    watchdog.stop();
    writer.shutdown();
    if (flush && Thread.currentThread() != writerThread) {
      try {
        // Let queued frames (a GoAway, the last data) reach the peer, but never wait long.
        writerThread.join(FLUSH_ON_CLOSE);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    transport.close();
    writer.fail(cause);
    for (Stream s : List.copyOf(streams.values())) {
      s.onSessionClosed(cause);
    }
    pings.values().forEach(p -> p.completeExceptionally(cause));
    acceptLock.lock();
    try {
      for (Stream s : acceptQueue) {
        s.onSessionClosed(cause);
      }
      acceptQueue.clear();
      acceptable.signalAll();
    } finally {
      acceptLock.unlock();
    }
    closed.countDown();
    Throwable reported = localCause(cause);
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

  void protocolError(ProtocolException e) {
    LOG.log(
        System.Logger.Level.DEBUG,
        () -> "yamux protocol error from " + transport.describe() + ": " + e.getMessage());
    try {
      writer.goAway(GO_AWAY_PROTOCOL_ERROR);
    } catch (IOException ignored) {
      // already closing
    }
    shutdownAsync(e, true); // the GoAway goes out first
  }

  private void ensureOpen() throws IOException {
    IOException cause = closeCause;
    if (cause != null || closing.get()) {
      throw new SessionClosedException("session closed", cause);
    }
  }

  // ---------------------------------------------------------------- receiving (FrameParser)

  void frameArrived() {
    lastInboundNanos = System.nanoTime();
  }

  /**
   * The stream a Data or WindowUpdate frame is for: opens it on SYN and takes an ACK. Null if the
   * frame is to be ignored (a stream we no longer know, or one refused with RST).
   */
  Stream streamFor(FrameHeader h) throws IOException {
    int id = h.streamId();
    if (id == 0) {
      throw new ProtocolException("stream frame on stream 0");
    }
    boolean data = h.type() == TYPE_DATA;
    Stream stream;
    if (h.has(FLAG_SYN)) {
      stream = incoming(id, h.unsignedLength(), data);
    } else {
      stream = streams.get(id);
      // A stream we no longer know (reset, finished): ignore it, dropping any payload, as hashicorp
      // does. The length check keeps a hostile peer from making us drain gigabytes.
      if (stream == null && data && h.unsignedLength() > config.maxWindow()) {
        throw new ProtocolException("frame of " + h.unsignedLength() + " bytes on unknown stream");
      }
    }
    if (stream != null && h.has(FLAG_ACK)) {
      stream.onAck();
    }
    return stream;
  }

  /** A stream frame has fully arrived (payload included): its window delta, FIN and RST. */
  void endOfStreamFrame(FrameHeader h, Stream stream) throws IOException {
    if (stream == null) {
      return;
    }
    if (h.type() == TYPE_WINDOW_UPDATE && !h.has(FLAG_RST)) {
      // An RST's length is not a window delta.
      stream.onWindowUpdate(h.unsignedLength());
    }
    if (h.has(FLAG_FIN)) {
      stream.onRemoteFin();
    }
    if (h.has(FLAG_RST)) {
      stream.onRemoteReset();
    }
  }

  /** A SYN from the peer: the new stream, or null if it was refused with RST. */
  private Stream incoming(int id, long length, boolean data) throws IOException {
    boolean peerParity = (id & 1) == (client ? 0 : 1);
    if (!peerParity) {
      throw new ProtocolException("SYN with the wrong parity for stream " + id);
    }
    if (streams.containsKey(id)) {
      throw new ProtocolException("duplicate SYN for stream " + id);
    }
    if (data && length > config.initialWindow()) {
      throw new ProtocolException("SYN frame larger than the initial window");
    }
    ResetReason refusal = null;
    if (localGoAway || closing.get()) {
      refusal = ResetReason.GOING_AWAY;
    } else if (streams.size() >= config.maxStreams()) {
      refusal = ResetReason.TOO_MANY_STREAMS;
    } else if (!reserveBudget(config.initialWindow())) {
      refusal = ResetReason.MEMORY_BUDGET;
    }
    if (refusal != null) {
      refuse(id, refusal);
      return null;
    }
    Stream stream = new Stream(this, id, false, config.initialWindow());
    streams.put(id, stream);
    acceptLock.lock();
    try {
      if (acceptQueue.size() < config.acceptBacklog()) {
        acceptQueue.add(stream);
        acceptable.signal();
        return stream;
      }
    } finally {
      acceptLock.unlock();
    }
    streams.remove(id, stream);
    releaseBudget(config.initialWindow());
    refuse(id, ResetReason.ACCEPT_BACKLOG_FULL);
    return null;
  }

  private void refuse(int id, ResetReason reason) {
    LOG.log(System.Logger.Level.DEBUG, () -> "refusing stream " + id + ": " + reason.description());
    countReset(reason); // before sending, so the stats never lag the wire
    sendReset(id);
  }

  void onPing(FrameHeader h) throws IOException {
    if (h.has(FLAG_SYN)) {
      writer.pong(h.length());
    } else if (h.has(FLAG_ACK)) {
      CompletableFuture<Long> reply = pings.get(h.length());
      if (reply != null) {
        reply.complete(System.nanoTime());
      }
    }
  }

  void onGoAway(FrameHeader h) {
    if (h.length() == GO_AWAY_NORMAL) {
      remoteGoAway = GO_AWAY_NORMAL;
      for (Runnable l : goAwayListeners) {
        if (goAwayListeners.remove(l)) {
          l.run();
        }
      }
      return;
    }
    inputEnded(new GoAwayException(h.length()));
  }

  /**
   * Received input ended the session (end of input, a transport failure, the peer's GoAway with an
   * error). Nothing is flushed: the connection is gone or the peer has ended the session, and
   * closing the transport at once frees a write stuck on a dead connection.
   */
  void inputEnded(IOException cause) {
    shutdownAsync(cause, false);
  }

  /**
   * Shuts down on a thread of its own: a flush waits for the writer, which may need the very thread
   * that delivered the input (a WebSocket client's selector thread).
   */
  private void shutdownAsync(IOException cause, boolean flush) {
    // The cause is settled here, so that a write failing meanwhile does not replace it.
    if (closing.compareAndSet(false, true)) {
      closeCause = cause;
      Thread.ofVirtual().name(name + "-shutdown").start(() -> finishShutdown(cause, flush));
    }
  }

  // ---------------------------------------------------------------- writer, keepalive

  /**
   * The transport accepted nothing for the write timeout: ends the session, closing the transport
   * frees the stuck write. Nothing is flushed (nothing can be).
   */
  private void writeStuck(IOException cause) {
    LOG.log(
        System.Logger.Level.DEBUG,
        () -> "yamux write stuck on " + transport.describe() + ": " + cause.getMessage());
    shutdownAsync(cause, false);
  }

  private void writeLoop() {
    try {
      writer.run(transport);
    } catch (IOException e) {
      shutdown(e, false); // the transport failed: nothing more can be flushed
    }
  }

  /**
   * Pings every keepalive interval. A ping unanswered within the timeout ends the session unless
   * some other frame arrived meanwhile: any inbound frame is a sign of life.
   */
  private void keepAliveLoop() {
    long interval = config.keepAliveInterval().toNanos();
    long timeout = config.keepAliveTimeout().toNanos();
    try {
      while (!closed.await(interval, TimeUnit.NANOSECONDS)) {
        long sentAt = System.nanoTime();
        int opaque = nextPing.incrementAndGet();
        CompletableFuture<Long> reply = new CompletableFuture<>();
        pings.put(opaque, reply);
        try {
          writer.ping(opaque);
          recordRtt(reply.get(timeout, TimeUnit.NANOSECONDS) - sentAt);
        } catch (TimeoutException e) {
          if (lastInboundNanos - sentAt < 0) {
            shutdown(new SessionClosedException("keepalive timeout", null), false);
            return;
          }
        } catch (ExecutionException e) {
          return; // the session closed and failed its pings
        } finally {
          pings.remove(opaque);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      shutdown(e, false); // the transport failed: nothing more can be flushed
    }
  }

  private void measureRtt() {
    try {
      ping();
    } catch (IOException e) {
      LOG.log(System.Logger.Level.DEBUG, () -> "initial ping failed: " + e.getMessage());
    }
  }

  /** Bytes of frame buffers this session holds right now (memory accounting, tests). */
  int retainedBufferBytes() {
    int n = writer.retainedBytes();
    if (transport instanceof SocketTransport socket) {
      n += socket.retainedBytes();
    }
    return n;
  }

  // ---------------------------------------------------------------- used by Stream

  FrameWriter writer() {
    return writer;
  }

  void sendWindowUpdate(Stream stream, long delta) {
    try {
      writer.windowUpdate(stream.id(), delta, stream::isReceiving);
    } catch (IOException ignored) {
      // The session is closing; the stream learns it from onSessionClosed.
    }
  }

  void sendReset(int id) {
    try {
      writer.rst(id);
    } catch (IOException ignored) {
      // The session is closing; nothing to reset.
    }
  }

  boolean reserveBudget(long bytes) {
    while (true) {
      long now = committedWindow.get();
      if (now + bytes > config.sessionMemoryBudget()) {
        return false;
      }
      if (committedWindow.compareAndSet(now, now + bytes)) {
        return true;
      }
    }
  }

  private void releaseBudget(long bytes) {
    committedWindow.addAndGet(-bytes);
  }

  void streamReleased(Stream stream, int windowTarget) {
    if (streams.remove(stream.id(), stream)) {
      releaseBudget(windowTarget);
    }
  }

  ScheduledFuture<?> schedule(Runnable task, Duration delay) {
    return TIMERS.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
  }

  void countBytesIn(long n) {
    bytesIn.add(n);
  }

  void countBytesOut(long n) {
    bytesOut.add(n);
  }

  void countWindowStall() {
    windowStalls.increment();
  }

  void countReset(ResetReason reason) {
    resets.get(reason).increment();
  }

  // ---------------------------------------------------------------- observability

  /** A consistent-enough snapshot of the session's counters. */
  public SessionStats stats() {
    Map<ResetReason, Long> byReason = new EnumMap<>(ResetReason.class);
    resets.forEach((r, n) -> byReason.put(r, n.sum()));
    return new SessionStats(
        streams.size(),
        acceptQueueSize(),
        bytesIn.sum(),
        bytesOut.sum(),
        byReason,
        windowStalls.sum(),
        committedWindow.get(),
        rttNanos == 0 ? null : Duration.ofNanos(rttNanos));
  }

  private int acceptQueueSize() {
    acceptLock.lock();
    try {
      return acceptQueue.size();
    } finally {
      acceptLock.unlock();
    }
  }

  /** Streams currently held by the session (for tests and diagnostics). */
  List<Stream> liveStreams() {
    return new ArrayList<>(streams.values());
  }

  /** Close timers not yet fired or cancelled, across all sessions (for leak checks). */
  static int pendingTimers() {
    return ((ScheduledThreadPoolExecutor) TIMERS).getQueue().size();
  }

  private static ScheduledExecutorService timers(String threadName) {
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
