package io.visiona.tunnel;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bounded byte buffer between a connection that pushes received bytes (WebSocket callbacks) and
 * the session reader that pulls them. Message boundaries are dropped: it is a byte stream.
 */
final class InboundBytes {

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private final Condition notFull = lock.newCondition();
  private final byte[] ring;
  private int head;
  private int count;
  private boolean finished;
  private boolean closed;
  private IOException failure;

  InboundBytes(int capacity) {
    this.ring = new byte[capacity];
  }

  /** Copies as much of {@code src} as fits without waiting; returns the number of bytes taken. */
  int offer(ByteBuffer src) {
    lock.lock();
    try {
      if (closed) {
        int n = src.remaining();
        src.position(src.limit());
        return n;
      }
      return copyIn(src);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Copies all of {@code src}, waiting for room; bytes offered after {@link #close()} are dropped.
   */
  void put(ByteBuffer src) throws InterruptedIOException {
    lock.lock();
    try {
      while (src.hasRemaining()) {
        if (closed) {
          src.position(src.limit());
          return;
        }
        if (copyIn(src) == 0) {
          notFull.await();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while buffering received bytes");
    } finally {
      lock.unlock();
    }
  }

  private int copyIn(ByteBuffer src) {
    int n = Math.min(src.remaining(), ring.length - count);
    int tail = (head + count) % ring.length;
    int first = Math.min(n, ring.length - tail);
    src.get(ring, tail, first);
    src.get(ring, 0, n - first);
    count += n;
    if (n > 0) {
      notEmpty.signal();
    }
    return n;
  }

  /** Blocks until bytes are available; -1 after {@link #finish()} once drained. */
  int read(byte[] b, int off, int len) throws IOException {
    lock.lock();
    try {
      while (count == 0) {
        if (failure != null) {
          throw failure;
        }
        if (finished || closed) {
          return -1;
        }
        notEmpty.await();
      }
      int n = Math.min(len, count);
      int first = Math.min(n, ring.length - head);
      System.arraycopy(ring, head, b, off, first);
      System.arraycopy(ring, 0, b, off + first, n - first);
      head = (head + n) % ring.length;
      count -= n;
      notFull.signalAll();
      return n;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted");
    } finally {
      lock.unlock();
    }
  }

  /** The peer closed cleanly: readers get what is buffered, then end-of-stream. */
  void finish() {
    lock.lock();
    try {
      finished = true;
      notEmpty.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** The connection failed: readers get the error once the buffer is drained. */
  void fail(IOException cause) {
    lock.lock();
    try {
      if (failure == null) {
        failure = cause;
      }
      notEmpty.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Nobody will read any more: wake everyone, drop what is buffered and what comes later. */
  void close() {
    lock.lock();
    try {
      closed = true;
      count = 0;
      notEmpty.signalAll();
      notFull.signalAll();
    } finally {
      lock.unlock();
    }
  }
}
