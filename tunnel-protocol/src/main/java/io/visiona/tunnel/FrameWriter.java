package io.visiona.tunnel;

import static io.visiona.tunnel.FrameHeader.FLAG_ACK;
import static io.visiona.tunnel.FrameHeader.FLAG_FIN;
import static io.visiona.tunnel.FrameHeader.FLAG_RST;
import static io.visiona.tunnel.FrameHeader.FLAG_SYN;
import static io.visiona.tunnel.FrameHeader.GO_AWAY_INTERNAL_ERROR;
import static io.visiona.tunnel.FrameHeader.GO_AWAY_NORMAL;
import static io.visiona.tunnel.FrameHeader.TYPE_DATA;
import static io.visiona.tunnel.FrameHeader.TYPE_GO_AWAY;
import static io.visiona.tunnel.FrameHeader.TYPE_PING;
import static io.visiona.tunnel.FrameHeader.TYPE_WINDOW_UPDATE;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Queues frames for the session's writer thread, or lets a producer write them when it is idle.
 *
 * <p>Two bounded, double-buffered queues: control frames (ping replies, window updates, SYN/ACK,
 * RST, GoAway) and data (payload frames and FINs, which must stay behind their stream's data). Each
 * round the writer takes both queues whole and writes control first, so a control frame never waits
 * behind more than the one batch already being written. Batching many frames into one transport
 * write is what makes small frames cheap, especially over WebSocket where each write becomes one
 * message (a few when it is large).
 *
 * <p>Direct writes: when nobody is writing, no other data is queued and the previous data frame
 * came from the same stream (one stream at a time, as in request/response), a producer of a small
 * data frame does not wake the writer thread: it takes the round itself and writes the queues
 * (control first) on its own thread, which saves a thread hand-off per message. With several
 * streams busy the writer thread batches their frames instead, as one transport write costs less
 * than one per frame. While any round is being written, frames queue as before and the writer
 * thread takes the next round, so control frames still wait behind at most one batch, data keeps
 * its order and the receiving thread (which only queues control frames) never writes to the
 * transport.
 *
 * <p>The queues start empty and grow on demand up to their capacities; once the writer has been
 * idle for {@link #IDLE_RELEASE_NANOS} it drops grown buffers, so an idle session (thousands of
 * them on a proxy) costs next to nothing.
 */
final class FrameWriter {

  private static final byte[] EMPTY = new byte[0];
  private static final long MAX_WINDOW_DELTA = 0xFFFF_FFFFL;

  /** Smallest allocation: a few control frames, or one small data frame. */
  static final int MIN_BUFFER = 256;

  /** How long the writer waits without work before it lets grown buffers go. */
  static final long IDLE_RELEASE_NANOS = TimeUnit.SECONDS.toNanos(1);

  /**
   * Largest payload a producer writes itself when the writer is idle. Larger writes are
   * throughput-bound, and there the writer thread overlapping the transport write with the
   * producer's next copy is worth more than the saved hand-off.
   */
  static final int DIRECT_WRITE_MAX = 16 * 1024;

  /**
   * Largest single transport write. A round is written in pieces of at most this size so that the
   * stuck-write watchdog sees progress on a slow link: the session is stuck only when no piece was
   * taken for the write timeout (a link slower than this per write timeout is treated as stuck).
   */
  static final int WRITE_CHUNK = 64 * 1024;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition work = lock.newCondition();
  // Producers of data wait on space and are woken one at a time, each passing the turn on while
  // room is left: waking every waiter for every round would wake a hundred writers to admit a few.
  private final Condition space = lock.newCondition();
  private final Condition controlSpace = lock.newCondition();

  private final int dataCapacity;
  private final int controlCapacity;
  private byte[] control = EMPTY;
  private byte[] controlSpare = EMPTY;
  private int controlLength;
  // Window updates in the control queue: where each starts and whether its stream still receives.
  private int[] creditOffsets = new int[0];
  private BooleanSupplier[] creditWanted = new BooleanSupplier[0];
  private int credits;
  private byte[] data = EMPTY;
  private byte[] dataSpare = EMPTY;
  private int dataLength;
  private boolean shutdown;
  private IOException failure;
  // Whoever writes a round owns the transport (and the spare buffers) until it is done.
  private Transport transport;
  private boolean writing;
  private boolean writerWaiting;
  private int lastDataStream;
  private long lastActiveNanos = System.nanoTime();
  // When the transport last took a piece of the round being written (or the round started).
  private volatile long lastProgressNanos = System.nanoTime();

  private final long writeTimeoutNanos;
  private StuckWriteWatchdog watchdog;
  private Consumer<IOException> onStuck = e -> {};

  /** A writer whose control frames wait for room at most 30 s (tests). */
  FrameWriter(int dataCapacity, int controlCapacity) {
    this(dataCapacity, controlCapacity, Duration.ofSeconds(30));
  }

  /**
   * @param writeTimeout the session's write timeout: how long a control frame waits for room in its
   *     queue (beyond, the writer fails, as the transport is evidently stuck), and how long a data
   *     frame waits for room beyond its own deadline while the transport no longer takes bytes
   */
  FrameWriter(int dataCapacity, int controlCapacity, Duration writeTimeout) {
    this.dataCapacity = dataCapacity;
    this.controlCapacity = controlCapacity;
    this.writeTimeoutNanos = writeTimeout.toNanos();
  }

  /**
   * Set before {@link #run}: {@code watchdog} watches every round, and {@code onStuck} hears of a
   * control frame that could not be queued within the control wait (it must not block).
   */
  void watch(StuckWriteWatchdog watchdog, Consumer<IOException> onStuck) {
    this.watchdog = watchdog;
    this.onStuck = onStuck;
  }

  /**
   * While a round is being written, when the transport last took a piece of it (or the round
   * started), as a {@link System#nanoTime()} value; -1 if no round is being written.
   */
  long lastProgressNanos() {
    lock.lock();
    try {
      return writing ? lastProgressNanos : -1;
    } finally {
      lock.unlock();
    }
  }

  // ---------------------------------------------------------------- frames, one method each

  /** SYN: opens {@code streamId}, announcing {@code extraWindow} beyond the spec's window. */
  void syn(int streamId, int extraWindow) throws IOException {
    control(TYPE_WINDOW_UPDATE, FLAG_SYN, requireStream(streamId), requireWindow(extraWindow));
  }

  /** ACK: accepts the peer's {@code streamId}, announcing {@code extraWindow} as for SYN. */
  void ack(int streamId, int extraWindow) throws IOException {
    control(TYPE_WINDOW_UPDATE, FLAG_ACK, requireStream(streamId), requireWindow(extraWindow));
  }

  /** RST: aborts {@code streamId} in both directions. */
  void rst(int streamId) throws IOException {
    control(TYPE_WINDOW_UPDATE, FLAG_RST, requireStream(streamId), 0);
  }

  /** Ping request carrying {@code opaque}, which the reply echoes. */
  void ping(int opaque) throws IOException {
    control(TYPE_PING, FLAG_SYN, 0, opaque);
  }

  /** Ping reply echoing the request's {@code opaque}. */
  void pong(int opaque) throws IOException {
    control(TYPE_PING, FLAG_ACK, 0, opaque);
  }

  /** GoAway with one of the spec's codes ({@link FrameHeader#GO_AWAY_NORMAL} and on). */
  void goAway(int code) throws IOException {
    if (code < GO_AWAY_NORMAL || code > GO_AWAY_INTERNAL_ERROR) {
      throw new IllegalArgumentException("unknown GoAway code " + code);
    }
    control(TYPE_GO_AWAY, 0, 0, code);
  }

  /**
   * A Data frame of {@code len} (at least 1) bytes from {@code buf}, in data order; waits for room
   * until {@code deadlineNanos} (a {@link System#nanoTime()} value), or longer while the transport
   * keeps taking bytes (at most the write timeout since it last did).
   */
  void data(int streamId, byte[] buf, int off, int len, long deadlineNanos) throws IOException {
    Objects.checkFromIndexSize(off, len, buf.length);
    if (len == 0 || len > dataCapacity - FrameHeader.SIZE) {
      throw new IllegalArgumentException(
          "data payload must be 1.." + (dataCapacity - FrameHeader.SIZE) + " bytes: " + len);
    }
    dataFrame(TYPE_DATA, 0, requireStream(streamId), buf, off, len, deadlineNanos);
  }

  /** FIN: half-closes {@code streamId}, behind its data; waits for room until the deadline. */
  void fin(int streamId, long deadlineNanos) throws IOException {
    dataFrame(TYPE_WINDOW_UPDATE, FLAG_FIN, requireStream(streamId), EMPTY, 0, 0, deadlineNanos);
  }

  private static int requireStream(int streamId) {
    if (streamId == 0) {
      throw new IllegalArgumentException("stream frames need a stream id other than 0");
    }
    return streamId;
  }

  private static int requireWindow(int extraWindow) {
    if (extraWindow < 0) {
      throw new IllegalArgumentException("window announcement must not be negative");
    }
    return extraWindow;
  }

  /** Queues a header-only control frame, waiting while the control queue is full. */
  private void control(int type, int flags, int streamId, int length) throws IOException {
    lock.lock();
    try {
      awaitControlSpace();
      control = grown(control, controlLength + FrameHeader.SIZE, controlCapacity);
      FrameHeader.encode(control, controlLength, type, flags, streamId, length);
      controlLength += FrameHeader.SIZE;
      work.signal();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until one more control frame fits, at most the control wait. Uninterruptible, as control
   * frames are owed to the peer; a queue that stays full means the transport is stuck, so the
   * writer fails (and with it the session) rather than lose the frame.
   */
  private void awaitControlSpace() throws IOException {
    long deadline = System.nanoTime() + writeTimeoutNanos;
    boolean interrupted = false;
    try {
      while (controlLength + FrameHeader.SIZE > controlCapacity) {
        ensureOpen();
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          SocketTimeoutException stuck =
              new SocketTimeoutException(
                  "control frame waited more than the write timeout of "
                      + Duration.ofNanos(writeTimeoutNanos)
                      + " for the transport");
          fail(stuck);
          onStuck.accept(stuck);
          throw new SessionClosedException("session closed", stuck);
        }
        try {
          controlSpace.awaitNanos(left);
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      ensureOpen();
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Queues a window update for {@code streamId}, dropped when the round is written if {@code
   * receiving} says the stream's receive side has ended by then (FIN or RST arrived, stream
   * closed): the peer may already have forgotten the stream and would only log the frame as one for
   * a missing stream. {@code receiving} is called under the writer's lock and must not block.
   */
  void windowUpdate(int streamId, long delta, BooleanSupplier receiving) throws IOException {
    requireStream(streamId);
    if (delta <= 0 || delta > MAX_WINDOW_DELTA) {
      throw new IllegalArgumentException("window update delta must be 1..2^32-1: " + delta);
    }
    lock.lock();
    try {
      awaitControlSpace();
      control = grown(control, controlLength + FrameHeader.SIZE, controlCapacity);
      if (credits == creditOffsets.length) {
        int size = Math.max(8, credits * 2);
        creditOffsets = Arrays.copyOf(creditOffsets, size);
        creditWanted = Arrays.copyOf(creditWanted, size);
      }
      creditOffsets[credits] = controlLength;
      creditWanted[credits] = receiving;
      credits++;
      FrameHeader.encode(control, controlLength, TYPE_WINDOW_UPDATE, 0, streamId, (int) delta);
      controlLength += FrameHeader.SIZE;
      work.signal();
    } finally {
      lock.unlock();
    }
  }

  /** Removes queued window updates whose stream no longer receives, as late as possible. */
  private void dropUnwantedCredits() {
    int removed = 0;
    for (int i = 0; i < credits; i++) {
      int at = creditOffsets[i] - removed;
      if (!creditWanted[i].getAsBoolean()) {
        System.arraycopy(
            control, at + FrameHeader.SIZE, control, at, controlLength - at - FrameHeader.SIZE);
        controlLength -= FrameHeader.SIZE;
        removed += FrameHeader.SIZE;
      }
      creditWanted[i] = null;
    }
    credits = 0;
  }

  /**
   * Queues a frame in data order: header plus {@code len} payload bytes copied from {@code buf}.
   * Waits for room until {@code deadlineNanos} (a {@link System#nanoTime()} value).
   */
  private void dataFrame(
      int type, int flags, int streamId, byte[] buf, int off, int len, long deadlineNanos)
      throws IOException {
    int frame = FrameHeader.SIZE + len;
    Round round;
    long waitStart = System.nanoTime();
    lock.lock();
    try {
      while (dataLength + frame > dataCapacity) {
        ensureOpen();
        long left = extended(deadlineNanos, waitStart) - System.nanoTime();
        if (left <= 0) {
          space.signal(); // a turn this producer may have been given goes to the next
          throw new SocketTimeoutException("write timed out waiting for the transport");
        }
        try {
          space.awaitNanos(left);
        } catch (InterruptedException e) {
          space.signal();
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while writing");
        }
      }
      ensureOpen();
      data = grown(data, dataLength + frame, dataCapacity);
      FrameHeader.encode(data, dataLength, type, flags, streamId, len);
      System.arraycopy(buf, off, data, dataLength + FrameHeader.SIZE, len);
      dataLength += frame;
      boolean sameStream = streamId == lastDataStream;
      lastDataStream = streamId;
      if (dataLength < dataCapacity) {
        space.signal(); // the next waiting producer may fit too
      }
      if (writing
          || transport == null
          || len > DIRECT_WRITE_MAX
          || dataLength != frame
          || !sameStream) {
        work.signal();
        return;
      }
      // Nobody is writing, no other data waits, one stream at a time: write the round here.
      writing = true;
      round = takeRound();
    } finally {
      lock.unlock();
    }
    try {
      write(round);
    } catch (IOException e) {
      // The writer thread wakes up and ends the session with this error.
      throw new SessionClosedException("session closed", e);
    }
  }

  /**
   * A data frame's deadline, extended while the transport takes bytes: if it took some since the
   * producer began to wait, the wait may go on until the write timeout after it last did. A slow
   * link is not a stuck one, and a stuck one is ended by the watchdog anyway.
   */
  private long extended(long deadlineNanos, long waitStart) {
    long progress = lastProgressNanos;
    return progress - waitStart > 0
        ? Math.max(deadlineNanos, progress + writeTimeoutNanos)
        : deadlineNanos;
  }

  /**
   * Writes a round taken by this thread and gives up ownership; a failed write fails the writer.
   */
  private void write(Round round) throws IOException {
    try {
      if (watchdog != null) {
        watchdog.roundStarted();
      }
      round.writeTo(transport, this::progressed);
    } catch (IOException | RuntimeException e) {
      IOException io = e instanceof IOException ioe ? ioe : new IOException(e);
      fail(io);
      throw io;
    } finally {
      finishRound();
    }
  }

  private void progressed() {
    lastProgressNanos = System.nanoTime();
  }

  /** Both queues, taken whole for one round of transport writes. */
  private record Round(byte[] control, int controlLength, byte[] data, int dataLength) {
    /** Control first, then data, in pieces of at most {@link #WRITE_CHUNK}. */
    void writeTo(Transport transport, Runnable progress) throws IOException {
      writeChunked(transport, control, controlLength, progress);
      writeChunked(transport, data, dataLength, progress);
    }

    private static void writeChunked(Transport transport, byte[] buf, int len, Runnable progress)
        throws IOException {
      for (int off = 0; off < len; ) {
        int n = Math.min(len - off, WRITE_CHUNK);
        transport.write(buf, off, n);
        progress.run();
        off += n;
      }
    }
  }

  /** Swaps both queues with their spares; the caller owns the round ({@code writing}). */
  private Round takeRound() {
    dropUnwantedCredits();
    Round round = new Round(control, controlLength, data, dataLength);
    control = controlSpare;
    controlSpare = round.control();
    controlLength = 0;
    data = dataSpare;
    dataSpare = round.data();
    dataLength = 0;
    lastActiveNanos = System.nanoTime();
    lastProgressNanos = lastActiveNanos;
    controlSpace.signalAll();
    space.signal();
    return round;
  }

  /**
   * Ends a round: wakes the writer thread if frames queued meanwhile, or if it sleeps without a
   * timer and must now look after the buffers this round may have grown.
   */
  private void finishRound() {
    lock.lock();
    try {
      writing = false;
      lastActiveNanos = System.nanoTime();
      if (controlLength > 0 || dataLength > 0 || shutdown || writerWaiting) {
        work.signal();
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * The writer loop: runs until {@link #shutdown()} and the queues are empty, or the transport
   * fails. Returns normally after a shutdown; throws the transport's error otherwise.
   */
  void run(Transport transport) throws IOException {
    lock.lock();
    try {
      this.transport = transport;
    } finally {
      lock.unlock();
    }
    while (true) {
      Round round;
      lock.lock();
      try {
        awaitWork();
        if (controlLength == 0 && dataLength == 0) {
          if (failure != null) {
            throw failure; // a producer's transport write failed
          }
          return;
        }
        writing = true;
        round = takeRound();
      } finally {
        lock.unlock();
      }
      write(round);
    }
  }

  /**
   * Waits for frames or shutdown while no producer is writing a round; lets grown buffers go once
   * nothing was written for {@link #IDLE_RELEASE_NANOS}.
   */
  private void awaitWork() {
    while (writing || (controlLength == 0 && dataLength == 0 && !shutdown)) {
      long idle = System.nanoTime() - lastActiveNanos;
      boolean holding = retainedBytes() > 4 * MIN_BUFFER;
      if (writing || !holding) {
        writerWaiting = true;
        work.awaitUninterruptibly();
        writerWaiting = false;
      } else if (idle < IDLE_RELEASE_NANOS) {
        try {
          work.awaitNanos(IDLE_RELEASE_NANOS - idle);
        } catch (InterruptedException e) {
          // The writer is ended by shutdown() or fail(), never by interruption.
        }
      } else if (controlLength == 0 && dataLength == 0) {
        control = controlSpare = data = dataSpare = EMPTY;
        creditOffsets = new int[0];
        creditWanted = new BooleanSupplier[0];
      }
    }
  }

  /** {@code buf}, or a larger copy of it that holds {@code needed} bytes. */
  private static byte[] grown(byte[] buf, int needed, int capacity) {
    if (needed <= buf.length) {
      return buf;
    }
    int size = Math.min(capacity, Math.max(needed, Math.max(MIN_BUFFER, buf.length * 2)));
    return Arrays.copyOf(buf, size);
  }

  /** Bytes of queue buffers currently held (for tests and memory accounting). */
  int retainedBytes() {
    lock.lock();
    try {
      return control.length + controlSpare.length + data.length + dataSpare.length;
    } finally {
      lock.unlock();
    }
  }

  /** Accepts no new frames; the writer finishes what is queued and returns. */
  void shutdown() {
    lock.lock();
    try {
      shutdown = true;
      work.signalAll();
      space.signalAll();
      controlSpace.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Fails every waiting and future producer with {@code error}. */
  void fail(IOException error) {
    lock.lock();
    try {
      if (failure == null) {
        failure = error;
      }
      shutdown = true;
      controlLength = 0;
      dataLength = 0;
      Arrays.fill(creditWanted, null);
      credits = 0;
      work.signalAll();
      space.signalAll();
      controlSpace.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void ensureOpen() throws IOException {
    if (failure != null) {
      throw new SessionClosedException("session closed", failure);
    }
    if (shutdown) {
      throw new SessionClosedException("session closed", null);
    }
  }
}
