package io.visiona.tunnel;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The queues behind {@link FrameWriter}: frames wait here for the session's writer thread, or a
 * producer writes them itself when the writer is idle.
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
final class WriteQueue {

  private static final byte[] EMPTY = new byte[0];

  /** How long the writer waits without work before it lets grown buffers go. */
  static final long IDLE_RELEASE_NANOS = TimeUnit.SECONDS.toNanos(1);

  /**
   * Largest payload a producer writes itself when the writer is idle. Larger writes are
   * throughput-bound, and there the writer thread overlapping the transport write with the
   * producer's next copy is worth more than the saved hand-off.
   */
  static final int DIRECT_WRITE_MAX = 16 * 1024;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition work = lock.newCondition();
  // Producers of data wait on space and are woken one at a time, each passing the turn on while
  // room is left: waking every waiter for every round would wake a hundred writers to admit a few.
  private final Condition space = lock.newCondition();
  private final Condition controlSpace = lock.newCondition();

  private final FrameQueue control;
  private final FrameQueue data;
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

  /**
   * @param writeTimeout the session's write timeout: how long a control frame waits for room in its
   *     queue (beyond, the writer fails, as the transport is evidently stuck), and how long a data
   *     frame waits for room beyond its own deadline while the transport no longer takes bytes
   */
  WriteQueue(int dataCapacity, int controlCapacity, Duration writeTimeout) {
    this.control = new FrameQueue(controlCapacity);
    this.data = new FrameQueue(dataCapacity);
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

  /** Queues a header-only control frame, waiting while the control queue is full. */
  void control(int type, int flags, int streamId, int length) throws IOException {
    lock.lock();
    try {
      awaitControlSpace();
      control.append(type, flags, streamId, length, EMPTY, 0, 0);
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
      while (!control.fits(FrameHeader.SIZE)) {
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

  /** Queues a window update, dropped if {@code receiving} is false when its round is taken. */
  void windowUpdate(int streamId, int delta, BooleanSupplier receiving) throws IOException {
    lock.lock();
    try {
      awaitControlSpace();
      control.appendCredit(streamId, delta, receiving);
      work.signal();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Queues a frame in data order: header plus {@code len} payload bytes copied from {@code buf}.
   * Waits for room until {@code deadlineNanos} (a {@link System#nanoTime()} value).
   */
  void dataFrame(
      int type, int flags, int streamId, byte[] buf, int off, int len, long deadlineNanos)
      throws IOException {
    int frame = FrameHeader.SIZE + len;
    WriteRound round;
    long waitStart = System.nanoTime();
    lock.lock();
    try {
      while (!data.fits(frame)) {
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
      data.append(type, flags, streamId, len, buf, off, len);
      boolean sameStream = streamId == lastDataStream;
      lastDataStream = streamId;
      if (!data.isFull()) {
        space.signal(); // the next waiting producer may fit too
      }
      if (writing
          || transport == null
          || len > DIRECT_WRITE_MAX
          || data.length() != frame
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

  /** Writes a round taken by this thread, then gives up ownership; a failure fails the writer. */
  private void write(WriteRound round) throws IOException {
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

  /** Swaps both queues with their spares; the caller owns the round ({@code writing}). */
  private WriteRound takeRound() {
    control.dropUnwantedCredits();
    int controlLength = control.length();
    int dataLength = data.length();
    WriteRound round = new WriteRound(control.take(), controlLength, data.take(), dataLength);
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
      if (!queuesEmpty() || shutdown || writerWaiting) {
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
      WriteRound round;
      lock.lock();
      try {
        awaitWork();
        if (queuesEmpty()) {
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
    while (writing || (queuesEmpty() && !shutdown)) {
      long idle = System.nanoTime() - lastActiveNanos;
      boolean holding = retainedBytes() > 4 * FrameQueue.MIN_BUFFER;
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
      } else if (queuesEmpty()) {
        control.releaseMemory();
        data.releaseMemory();
      }
    }
  }

  private boolean queuesEmpty() {
    return control.length() == 0 && data.length() == 0;
  }

  /** Bytes of queue buffers currently held (for tests and memory accounting). */
  int retainedBytes() {
    lock.lock();
    try {
      return control.retainedBytes() + data.retainedBytes();
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
      control.clear();
      data.clear();
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
