package io.visiona.tunnel;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bounded byte buffer between a connection that pushes received bytes (WebSocket callbacks) and
 * the session reader that pulls them. Message boundaries are dropped: it is a byte stream.
 *
 * <p>Bytes are held in chunks allocated as they arrive and dropped as they are read, so an empty
 * buffer holds no memory; {@code capacity} bounds the bytes held. Small messages are appended to
 * the last chunk, so a flood of tiny messages cannot multiply the memory by per-chunk overhead.
 */
final class InboundBytes {

  /** Smallest chunk allocated. */
  static final int MIN_CHUNK = 1024;

  /** Fills {@code len} bytes of {@code dst} from {@code off}, completely. */
  interface Source {
    void fill(byte[] dst, int off, int len) throws IOException;
  }

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private final Condition notFull = lock.newCondition();
  private final int capacity;
  // Every chunk but the last is full; the first is read from headPos, the last filled to tailPos.
  private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
  private int headPos;
  private int tailPos;
  private int count;
  private boolean finished;
  private boolean closed;
  private IOException failure;

  InboundBytes(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive");
    }
    this.capacity = capacity;
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
      int n = Math.min(src.remaining(), capacity - count);
      copyIn(n, (b, o, l) -> src.get(b, o, l));
      return n;
    } catch (IOException e) {
      throw new IllegalStateException("a ByteBuffer source cannot fail", e);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Copies all of {@code src}, waiting for room; bytes offered after {@link #close()} are dropped.
   */
  void put(ByteBuffer src) throws InterruptedIOException {
    try {
      put(src.remaining(), (b, o, l) -> src.get(b, o, l));
    } catch (InterruptedIOException e) {
      throw e;
    } catch (IOException e) {
      throw new IllegalStateException("a ByteBuffer source cannot fail", e);
    }
  }

  /**
   * Takes {@code length} bytes from {@code src}, waiting for room; bytes offered after {@link
   * #close()} are read from the source and dropped.
   */
  void put(int length, Source src) throws IOException {
    int left = length;
    lock.lock();
    try {
      while (left > 0) {
        if (closed) {
          discard(left, src);
          return;
        }
        int n = Math.min(left, capacity - count);
        if (n == 0) {
          notFull.await();
          continue;
        }
        copyIn(n, src);
        left -= n;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while buffering received bytes");
    } finally {
      lock.unlock();
    }
  }

  private static void discard(int length, Source src) throws IOException {
    byte[] sink = new byte[Math.min(length, 8192)];
    for (int left = length; left > 0; left -= sink.length) {
      src.fill(sink, 0, Math.min(left, sink.length));
    }
  }

  /** Appends {@code n} bytes (which fit) to the last chunk, then to new chunks. */
  private void copyIn(int n, Source src) throws IOException {
    int left = n;
    while (left > 0) {
      byte[] last = chunks.peekLast();
      if (last == null || tailPos == last.length) {
        last = new byte[Math.max(left, MIN_CHUNK)];
        chunks.addLast(last);
        tailPos = 0;
      }
      int k = Math.min(left, last.length - tailPos);
      src.fill(last, tailPos, k);
      tailPos += k;
      count += k;
      left -= k;
    }
    if (n > 0) {
      notEmpty.signal();
    }
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
      int n = 0;
      while (n < len && count > 0) {
        byte[] first = chunks.peekFirst();
        int end = chunks.size() == 1 ? tailPos : first.length;
        int k = Math.min(len - n, end - headPos);
        System.arraycopy(first, headPos, b, off + n, k);
        headPos += k;
        count -= k;
        n += k;
        if (headPos == end) {
          chunks.pollFirst();
          headPos = 0;
        }
      }
      notFull.signalAll();
      return n;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted");
    } finally {
      lock.unlock();
    }
  }

  /** Bytes buffered and not yet read. */
  int available() {
    lock.lock();
    try {
      return count;
    } finally {
      lock.unlock();
    }
  }

  /** Bytes of chunks currently held (for tests and memory accounting). */
  int retainedBytes() {
    lock.lock();
    try {
      int n = 0;
      for (byte[] c : chunks) {
        n += c.length;
      }
      return n;
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
      chunks.clear();
      headPos = 0;
      tailPos = 0;
      count = 0;
      notEmpty.signalAll();
      notFull.signalAll();
    } finally {
      lock.unlock();
    }
  }
}
