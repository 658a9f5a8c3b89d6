package io.visiona.proxy.presence;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Events waiting to be sent, at most {@code max}. On overflow every pending event is dropped and a
 * resync is flagged instead (the reporter then re-announces every live tunnel). Events are removed
 * only once the api-server took them ({@link #ack}), so a failed call loses nothing.
 */
final class PresenceQueue {

  /** Events taken from the head of the queue; {@code generation} detects a drop in between. */
  record Batch(long generation, List<PresenceEvent> events) {}

  private final int max;
  private final ArrayDeque<PresenceEvent> events = new ArrayDeque<>();
  private final ReentrantLock lock = new ReentrantLock();
  private long generation;
  private boolean resyncNeeded;

  PresenceQueue(int max) {
    this.max = max;
  }

  /** Adds {@code e}; false if the queue was full, and is now empty with a resync flagged. */
  boolean offer(PresenceEvent e) {
    lock.lock();
    try {
      if (events.size() >= max) {
        events.clear();
        generation++;
        resyncNeeded = true;
        return false;
      }
      events.addLast(e);
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Up to {@code n} events from the head, left in the queue. */
  Batch peek(int n) {
    lock.lock();
    try {
      List<PresenceEvent> head = new ArrayList<>(Math.min(n, events.size()));
      Iterator<PresenceEvent> it = events.iterator();
      while (head.size() < n && it.hasNext()) {
        head.add(it.next());
      }
      return new Batch(generation, head);
    } finally {
      lock.unlock();
    }
  }

  /** Removes a batch the api-server took, unless the queue was dropped since it was peeked. */
  void ack(Batch b) {
    lock.lock();
    try {
      if (b.generation() == generation) {
        for (int i = 0; i < b.events().size(); i++) {
          events.pollFirst();
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /** True once after an overflow. */
  boolean takeResync() {
    lock.lock();
    try {
      boolean r = resyncNeeded;
      resyncNeeded = false;
      return r;
    } finally {
      lock.unlock();
    }
  }

  boolean resyncPending() {
    lock.lock();
    try {
      return resyncNeeded;
    } finally {
      lock.unlock();
    }
  }

  int size() {
    lock.lock();
    try {
      return events.size();
    } finally {
      lock.unlock();
    }
  }
}
