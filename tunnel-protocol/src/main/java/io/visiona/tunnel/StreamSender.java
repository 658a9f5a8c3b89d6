package io.visiona.tunnel;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A stream's sending half: the peer's credit (send window) and the write loop that cuts writes into
 * frames within it. The window is guarded by the stream's lock; one writer at a time holds the
 * write lock, so frames of concurrent writes never interleave.
 */
final class StreamSender {

  /** Throws if the stream can no longer send (reset, session closed, FIN sent); lock held. */
  interface WritableCheck {
    void ensureWritable() throws IOException;
  }

  private static final long MAX_WINDOW = 0xFFFF_FFFFL;

  private final StreamHost host;
  private final int streamId;
  private final WritableCheck writable;
  private final Runnable onTimeout;
  private final ReentrantLock lock;
  private final Condition credited;
  private final ReentrantLock writeLock = new ReentrantLock();
  private long window = Config.SPEC_INITIAL_WINDOW; // guarded by lock

  /**
   * @param onTimeout resets the stream when a write timed out, so the peer is not left waiting
   */
  StreamSender(
      StreamHost host,
      int streamId,
      ReentrantLock streamLock,
      WritableCheck writable,
      Runnable onTimeout) {
    this.host = host;
    this.streamId = streamId;
    this.writable = writable;
    this.onTimeout = onTimeout;
    this.lock = streamLock;
    this.credited = streamLock.newCondition();
  }

  /** Writes all of {@code len} bytes as frames of at most the maximum frame size. */
  void write(byte[] b, int off, int len, long deadline) throws IOException {
    lockForWrite(deadline);
    try {
      int maxFrame = host.config().maxFrameSize();
      while (len > 0) {
        int n = takeWindow(Math.min(len, maxFrame), deadline);
        try {
          host.sendData(streamId, b, off, n, deadline);
        } catch (SocketTimeoutException e) {
          onTimeout.run();
          throw e;
        }
        host.countBytesOut(n);
        off += n;
        len -= n;
      }
    } finally {
      writeLock.unlock();
    }
  }

  /** Takes the write lock (a FIN, too, must come after the data of a write in progress). */
  void lockForWrite(long deadline) throws IOException {
    try {
      if (!writeLock.tryLock(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        throw new SocketTimeoutException("timed out waiting for another writer on this stream");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted");
    }
  }

  void unlockForWrite() {
    writeLock.unlock();
  }

  /** Takes up to {@code max} bytes of window, waiting for credit until {@code deadline}. */
  private int takeWindow(int max, long deadline) throws IOException {
    lock.lock();
    try {
      if (window == 0) {
        host.countWindowStall();
      }
      while (window == 0) {
        writable.ensureWritable();
        if (!Waits.awaitUntil(credited, deadline)) {
          break;
        }
      }
      if (window > 0) {
        writable.ensureWritable();
        int n = (int) Math.min(max, window);
        window -= n;
        return n;
      }
    } finally {
      lock.unlock();
    }
    onTimeout.run();
    throw new SocketTimeoutException("write timed out waiting for send window");
  }

  /** The peer granted {@code delta} more bytes; beyond 2^32-1 in total is its protocol error. */
  void credit(long delta) throws ProtocolException {
    lock.lock();
    try {
      long next = window + delta;
      if (next > MAX_WINDOW) {
        throw new ProtocolException("send window overflow on stream " + streamId);
      }
      window = next;
      credited.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Wakes writers waiting for credit so they see the stream's new state (lock held). */
  void wakeWriters() {
    credited.signalAll();
  }
}
