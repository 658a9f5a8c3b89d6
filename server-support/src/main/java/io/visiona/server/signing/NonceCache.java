package io.visiona.server.signing;

import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Nonces seen within the validity window, bounded in size.
 *
 * <p>Each nonce is kept until the instant after which its request would be refused as stale anyway
 * ({@code created + maxSkew}); only such expired entries are ever evicted. When the cache is full
 * of live nonces a new one is refused ({@link Outcome#FULL}) rather than an old one forgotten,
 * because forgetting would let that old request be replayed.
 */
final class NonceCache {

  enum Outcome {
    FIRST_SEEN,
    REPLAY,
    FULL
  }

  private record Entry(String nonce, long expiresAt) {}

  private final int capacity;
  private final ReentrantLock lock = new ReentrantLock();
  private final Map<String, Long> expiryByNonce = new HashMap<>();
  private final PriorityQueue<Entry> byExpiry =
      new PriorityQueue<>((a, b) -> Long.compare(a.expiresAt, b.expiresAt));

  NonceCache(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("replay cache capacity must be positive");
    }
    this.capacity = capacity;
  }

  /**
   * Records {@code nonce} unless it is already present.
   *
   * @param expiresAt epoch second after which the nonce no longer needs remembering
   * @param now current epoch second
   */
  Outcome add(String nonce, long expiresAt, long now) {
    lock.lock();
    try {
      evictExpired(now);
      if (expiryByNonce.containsKey(nonce)) {
        return Outcome.REPLAY;
      }
      if (expiryByNonce.size() >= capacity) {
        return Outcome.FULL;
      }
      expiryByNonce.put(nonce, expiresAt);
      byExpiry.add(new Entry(nonce, expiresAt));
      return Outcome.FIRST_SEEN;
    } finally {
      lock.unlock();
    }
  }

  int size() {
    lock.lock();
    try {
      return expiryByNonce.size();
    } finally {
      lock.unlock();
    }
  }

  private void evictExpired(long now) {
    while (!byExpiry.isEmpty() && byExpiry.peek().expiresAt < now) {
      expiryByNonce.remove(byExpiry.poll().nonce);
    }
  }
}
