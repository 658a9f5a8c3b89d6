package io.visiona.tunnel;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/** Streams the peer opened, waiting for {@link Session#acceptStream}; bounded. */
final class AcceptQueue {

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition nonEmpty = lock.newCondition();
  private final ArrayDeque<Stream> queue = new ArrayDeque<>();
  private final int capacity;
  private boolean closed;
  private IOException closeCause;

  AcceptQueue(int capacity) {
    this.capacity = capacity;
  }

  /** Queues {@code stream}; false if the queue is full or closed. */
  boolean offer(Stream stream) {
    lock.lock();
    try {
      if (closed || queue.size() >= capacity) {
        return false;
      }
      queue.add(stream);
      nonEmpty.signal();
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * The next stream, waiting at most {@code timeout} ({@code null}: no limit).
   *
   * @throws SocketTimeoutException if none came in time
   * @throws SessionClosedException once the queue is closed
   */
  Stream take(Duration timeout) throws IOException {
    long deadline = timeout == null ? 0 : System.nanoTime() + timeout.toNanos();
    lock.lock();
    try {
      Stream stream;
      while ((stream = queue.poll()) == null) {
        if (closed) {
          throw new SessionClosedException("session closed", closeCause);
        }
        if (deadline != 0 && deadline - System.nanoTime() <= 0) {
          throw new SocketTimeoutException("no stream accepted in " + timeout);
        }
        Waits.awaitUntil(nonEmpty, deadline);
      }
      return stream;
    } finally {
      lock.unlock();
    }
  }

  int size() {
    lock.lock();
    try {
      return queue.size();
    } finally {
      lock.unlock();
    }
  }

  /** Closes the queue: waiting takers fail with {@code cause}; returns the streams never taken. */
  List<Stream> close(IOException cause) {
    lock.lock();
    try {
      closed = true;
      closeCause = cause;
      List<Stream> left = new ArrayList<>(queue);
      queue.clear();
      nonEmpty.signalAll();
      return left;
    } finally {
      lock.unlock();
    }
  }
}
