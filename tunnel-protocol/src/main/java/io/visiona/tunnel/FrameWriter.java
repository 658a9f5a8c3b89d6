package io.visiona.tunnel;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
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
 */
final class FrameWriter {

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition work = lock.newCondition();
  private final Condition space = lock.newCondition();

  private byte[] control;
  private byte[] controlSpare;
  private int controlLength;
  private byte[] data;
  private byte[] dataSpare;
  private int dataLength;
  private boolean shutdown;
  private IOException failure;

  FrameWriter(int dataCapacity, int controlCapacity) {
    control = new byte[controlCapacity];
    controlSpare = new byte[controlCapacity];
    data = new byte[dataCapacity];
    dataSpare = new byte[dataCapacity];
  }

  /** Queues a header-only control frame, waiting while the control queue is full. */
  void control(int type, int flags, int streamId, int length) throws IOException {
    lock.lock();
    try {
      while (controlLength + FrameHeader.SIZE > control.length) {
        ensureOpen();
        space.awaitUninterruptibly();
      }
      ensureOpen();
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
      while (dataLength + frame > data.length) {
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
        while (controlLength == 0 && dataLength == 0 && !shutdown) {
          work.awaitUninterruptibly();
        }
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
