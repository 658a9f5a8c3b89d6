package io.visiona.tunnel;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Queues frames for the session's single writer thread.
 *
 * <p>Two bounded, double-buffered queues: control frames (ping replies, window updates, SYN/ACK,
 * RST, GoAway) and data (payload frames and FINs, which must stay behind their stream's data). Each
 * round the writer takes both queues whole and writes control first, so a control frame never waits
 * behind more than the one batch already being written. Batching many frames into one transport
 * write is what makes small frames cheap, especially over WebSocket where each write is one
 * message.
 *
 * <p>The queues start empty and grow on demand up to their capacities; once the writer has been
 * idle for {@link #IDLE_RELEASE_NANOS} it drops grown buffers, so an idle session (thousands of
 * them on a proxy) costs next to nothing.
 */
final class FrameWriter {

  private static final byte[] EMPTY = new byte[0];

  /** Smallest allocation: a few control frames, or one small data frame. */
  static final int MIN_BUFFER = 256;

  /** How long the writer waits without work before it lets grown buffers go. */
  static final long IDLE_RELEASE_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition work = lock.newCondition();
  private final Condition space = lock.newCondition();

  private final int dataCapacity;
  private final int controlCapacity;
  private byte[] control = EMPTY;
  private byte[] controlSpare = EMPTY;
  private int controlLength;
  private byte[] data = EMPTY;
  private byte[] dataSpare = EMPTY;
  private int dataLength;
  private boolean shutdown;
  private IOException failure;

  FrameWriter(int dataCapacity, int controlCapacity) {
    this.dataCapacity = dataCapacity;
    this.controlCapacity = controlCapacity;
  }

  /** Queues a header-only control frame, waiting while the control queue is full. */
  void control(int type, int flags, int streamId, int length) throws IOException {
    lock.lock();
    try {
      while (controlLength + FrameHeader.SIZE > controlCapacity) {
        ensureOpen();
        space.awaitUninterruptibly();
      }
      ensureOpen();
      control = grown(control, controlLength + FrameHeader.SIZE, controlCapacity);
      FrameHeader.encode(control, controlLength, type, flags, streamId, length);
      controlLength += FrameHeader.SIZE;
      work.signal();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Queues a frame in data order: header plus {@code len} payload bytes copied from {@code buf}.
   * Waits for room until {@code deadlineNanos} (a {@link System#nanoTime()} value).
   */
  void data(int type, int flags, int streamId, byte[] buf, int off, int len, long deadlineNanos)
      throws IOException {
    int frame = FrameHeader.SIZE + len;
    lock.lock();
    try {
      while (dataLength + frame > dataCapacity) {
        ensureOpen();
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
          throw new SocketTimeoutException("write timed out waiting for the transport");
        }
        try {
          space.awaitNanos(left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while writing");
        }
      }
      ensureOpen();
      data = grown(data, dataLength + frame, dataCapacity);
      FrameHeader.encode(data, dataLength, type, flags, streamId, len);
      System.arraycopy(buf, off, data, dataLength + FrameHeader.SIZE, len);
      dataLength += frame;
      work.signal();
    } finally {
      lock.unlock();
    }
  }

  /**
   * The writer loop: runs until {@link #shutdown()} and the queues are empty, or the transport
   * fails. Returns normally after a shutdown; throws the transport's error otherwise.
   */
  void run(Transport transport) throws IOException {
    while (true) {
      byte[] c;
      int cl;
      byte[] d;
      int dl;
      lock.lock();
      try {
        awaitWork();
        if (controlLength == 0 && dataLength == 0) {
          return;
        }
        c = control;
        cl = controlLength;
        control = controlSpare;
        controlSpare = c;
        controlLength = 0;
        d = data;
        dl = dataLength;
        data = dataSpare;
        dataSpare = d;
        dataLength = 0;
        space.signalAll();
      } finally {
        lock.unlock();
      }
      try {
        if (cl > 0) {
          transport.write(c, 0, cl);
        }
        if (dl > 0) {
          transport.write(d, 0, dl);
        }
      } catch (IOException | RuntimeException e) {
        IOException io = e instanceof IOException ioe ? ioe : new IOException(e);
        fail(io);
        throw io;
      }
    }
  }

  /** Waits for frames or shutdown; lets grown buffers go after a while without work. */
  private void awaitWork() {
    boolean released = retainedBytes() <= 4 * MIN_BUFFER;
    while (controlLength == 0 && dataLength == 0 && !shutdown) {
      if (released) {
        work.awaitUninterruptibly();
        continue;
      }
      long left = IDLE_RELEASE_NANOS;
      while (left > 0 && controlLength == 0 && dataLength == 0 && !shutdown) {
        try {
          left = work.awaitNanos(left);
        } catch (InterruptedException e) {
          // The writer is ended by shutdown() or fail(), never by interruption.
        }
      }
      if (controlLength == 0 && dataLength == 0) {
        control = controlSpare = data = dataSpare = EMPTY;
        released = true;
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
      work.signalAll();
      space.signalAll();
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
