package io.visiona.server.limits;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A token bucket per client address, so that one address cannot use up a limit that others share.
 *
 * <p>Each address may take {@code burst} permits at once and then {@code ratePerSecond} on average.
 * At most {@code maxAddresses} buckets are kept; beyond that the least recently used one is
 * forgotten (an address that comes back starts with a full bucket, so eviction errs on the side of
 * letting requests through; pair it with a global limit).
 *
 * <p>Thread-safe.
 */
public final class AddressRateLimiter {

  private final double ratePerNano;
  private final double burst;
  private final int maxAddresses;
  private final Clock clock;
  private final ReentrantLock lock = new ReentrantLock();
  private final Map<String, Bucket> buckets;

  public AddressRateLimiter(double ratePerSecond, int burst, int maxAddresses, Clock clock) {
    if (!(ratePerSecond > 0) || burst < 1 || maxAddresses < 1) {
      throw new IllegalArgumentException(
          "rate must be > 0, burst and the number of addresses >= 1");
    }
    this.ratePerNano = ratePerSecond / 1e9;
    this.burst = burst;
    this.maxAddresses = maxAddresses;
    this.clock = clock;
    this.buckets =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
            return size() > AddressRateLimiter.this.maxAddresses;
          }
        };
  }

  /** Takes one permit for {@code address}; false when its bucket is empty. */
  public boolean tryAcquire(String address) {
    long now = nanos();
    lock.lock();
    try {
      Bucket bucket = buckets.computeIfAbsent(address, a -> new Bucket(burst, now));
      bucket.refill(now, ratePerNano, burst);
      if (bucket.tokens < 1) {
        return false;
      }
      bucket.tokens -= 1;
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Gives back a permit taken with {@link #tryAcquire} that turned out not to count (e.g. a check
   * that is limited only when it fails). Never raises the bucket above the burst; an address that
   * was forgotten in between stays forgotten.
   */
  public void release(String address) {
    lock.lock();
    try {
      Bucket bucket = buckets.get(address);
      if (bucket != null) {
        bucket.tokens = Math.min(burst, bucket.tokens + 1);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Number of addresses currently tracked (at most {@code maxAddresses}). */
  public int trackedAddresses() {
    lock.lock();
    try {
      return buckets.size();
    } finally {
      lock.unlock();
    }
  }

  private long nanos() {
    var instant = clock.instant();
    return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
  }

  private static final class Bucket {
    double tokens;
    long updatedNanos;

    Bucket(double tokens, long now) {
      this.tokens = tokens;
      this.updatedNanos = now;
    }

    void refill(long now, double ratePerNano, double burst) {
      long elapsed = now - updatedNanos;
      if (elapsed > 0) {
        tokens = Math.min(burst, tokens + elapsed * ratePerNano);
        updatedNanos = now;
      }
    }
  }
}
