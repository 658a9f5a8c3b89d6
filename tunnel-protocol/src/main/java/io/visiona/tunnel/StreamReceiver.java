package io.visiona.tunnel;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * A stream's receiving half: the buffer of unread bytes and the receive window that bounds it.
 * Guarded by the stream's lock, which every method takes or expects to be held.
 */
final class StreamReceiver {

  /** What a reader does when the buffer is empty: -1 (end of stream), 0 (wait), or throw. */
  interface EmptyBuffer {
    int atEnd() throws IOException;
  }

  private final ReentrantLock lock;
  private final Condition readable;
  private final Supplier<StreamState> state;
  private final ReceiveBuffer buffer = new ReceiveBuffer();
  private final ReceiveWindow window;

  StreamReceiver(
      StreamHost host, int initialWindow, ReentrantLock streamLock, Supplier<StreamState> state) {
    this.lock = streamLock;
    this.readable = streamLock.newCondition();
    this.state = state;
    this.window = new ReceiveWindow(host, initialWindow);
  }

  /**
   * Reads up to {@code len} bytes, waiting until {@code deadline} (0: no limit) while the buffer is
   * empty and {@code empty} says to wait. Lock held. Returns the bytes read, or -1.
   */
  int read(byte[] b, int off, int len, long deadline, EmptyBuffer empty) throws IOException {
    while (buffer.size() == 0) {
      int end = empty.atEnd();
      if (end < 0) {
        return end;
      }
      if (!Waits.awaitUntil(readable, deadline)) {
        throw new SocketTimeoutException("read timed out");
      }
    }
    return buffer.take(b, off, len);
  }

  /** Credit to send after the application consumed {@code n} bytes, or 0. Lock held. */
  long creditAfterReading(int n) {
    StreamState s = state.get();
    long credit = window.consumed(n, !s.receives(), !s.sends());
    assert !s.receives() || window.invariantHolds(buffer.size()) : window;
    return credit;
  }

  /** Unread bytes (takes the lock). */
  int available() {
    lock.lock();
    try {
      return buffer.size();
    } finally {
      lock.unlock();
    }
  }

  /** Unread bytes. Lock held. */
  int buffered() {
    return buffer.size();
  }

  /** Whether a Data frame of {@code length} bytes fits the window given to the peer. Lock held. */
  boolean admits(long length) {
    return window.admits(length);
  }

  /** A Data frame of {@code length} bytes is kept: returns held credit now due, or 0. Lock held. */
  long accept(long length) {
    window.frameStarted(length);
    buffer.reserve(buffer.size() + length, window.target());
    return window.heldCreditDue();
  }

  /**
   * The next {@code len} payload bytes of a kept frame. Copied under the lock: the transport's
   * source is always buffered (see {@link Transport}), so this never waits for the network.
   */
  void onPayload(Transport.ByteSource bytes, int len) throws IOException {
    lock.lock();
    try {
      if (!state.get().receives()) {
        bytes.skip(len); // reset while the frame was arriving: its buffer is gone
        return;
      }
      buffer.fill(bytes, len);
      window.arrived(len);
      readable.signal();
    } finally {
      lock.unlock();
    }
  }

  /** Forgets unread data (reset). Lock held. */
  void drop() {
    buffer.drop();
  }

  /** Wakes readers so they see the stream's new state. Lock held. */
  void wakeReaders() {
    readable.signalAll();
  }

  /** The window this stream committed (its share of the session's memory budget). Lock held. */
  int windowTarget() {
    return window.target();
  }

  /**
   * Throws AssertionError unless the window invariant holds and the buffer fits the window; returns
   * the window target.
   */
  int checkInvariant(Object stream) {
    lock.lock();
    try {
      StreamState s = state.get();
      if (s.receives() && !window.invariantHolds(buffer.size())
          || buffer.capacity() > window.target()) {
        throw new AssertionError(
            stream
                + " "
                + s
                + ": "
                + window
                + ", "
                + buffer.size()
                + " buffered in "
                + buffer.capacity());
      }
      return window.target();
    } finally {
      lock.unlock();
    }
  }
}
