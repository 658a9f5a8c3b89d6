package io.visiona.tunnel;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Where a callback-driven transport finds the session's {@link Transport.Receiver}: set once by
 * {@link Transport#start}. The end of the input may be reported before the session started (a
 * connection that closed at once); it is kept and passed on at the start.
 */
final class ReceiverSlot {

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition startedOrClosed = lock.newCondition();
  private volatile Transport.Receiver receiver;
  private boolean closed;
  private boolean ended;
  private IOException failure;

  void start(Transport.Receiver r) {
    boolean endNow;
    IOException cause;
    lock.lock();
    try {
      if (receiver != null) {
        throw new IllegalStateException("transport already started");
      }
      receiver = r;
      startedOrClosed.signalAll();
      endNow = ended;
      cause = failure;
    } finally {
      lock.unlock();
    }
    if (endNow) {
      deliverEnd(r, cause);
    }
  }

  /** The receiver, or null if the session has not started yet. */
  Transport.Receiver receiver() {
    return receiver;
  }

  /** The receiver, once the session has started; fails once the transport is closed. */
  Transport.Receiver awaitReceiver() throws IOException {
    Transport.Receiver r = receiver;
    if (r != null) {
      return r;
    }
    lock.lock();
    try {
      while (receiver == null && !closed) {
        startedOrClosed.await();
      }
      if (receiver == null) {
        throw new IOException("transport closed before a session started on it");
      }
      return receiver;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for the session to start");
    } finally {
      lock.unlock();
    }
  }

  /** The input is over: clean if {@code cause} is null. Reported once, now or at the start. */
  void end(IOException cause) {
    Transport.Receiver r;
    lock.lock();
    try {
      r = receiver;
      if (r == null) {
        if (!ended) {
          ended = true;
          failure = cause;
        }
        return;
      }
    } finally {
      lock.unlock();
    }
    deliverEnd(r, cause);
  }

  /** Wakes a thread waiting for the start. */
  void close() {
    lock.lock();
    try {
      closed = true;
      startedOrClosed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private static void deliverEnd(Transport.Receiver r, IOException cause) {
    if (cause == null) {
      r.endOfInput();
    } else {
      r.fail(cause);
    }
  }
}
