package io.visiona.proxy.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * A bounded map whose entries expire: at most {@code maxEntries} (least recently used go first),
 * each for {@code ttl}. Thread-safe. A zero TTL or size disables it (nothing is stored).
 */
final class ExpiringCache<V> {

  private record Held<V>(V value, Instant expires) {}

  private final Duration ttl;
  private final int maxEntries;
  private final Clock clock;
  private final ReentrantLock lock = new ReentrantLock();
  private final LinkedHashMap<String, Held<V>> entries;

  ExpiringCache(Duration ttl, int maxEntries, Clock clock) {
    if (maxEntries < 0 || ttl.isNegative()) {
      throw new IllegalArgumentException("ttl and maxEntries must not be negative");
    }
    this.ttl = ttl;
    this.maxEntries = maxEntries;
    this.clock = clock;
    this.entries =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Held<V>> eldest) {
            return size() > ExpiringCache.this.maxEntries;
          }
        };
  }

  boolean enabled() {
    return !ttl.isZero() && maxEntries > 0;
  }

  Optional<V> get(String key) {
    if (!enabled()) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    lock.lock();
    try {
      Held<V> e = entries.get(key);
      if (e == null) {
        return Optional.empty();
      }
      if (now.isBefore(e.expires())) {
        return Optional.of(e.value());
      }
      entries.remove(key);
      return Optional.empty();
    } finally {
      lock.unlock();
    }
  }

  /** Stores {@code value} until {@code since + ttl}. */
  void put(String key, V value, Instant since) {
    if (!enabled()) {
      return;
    }
    lock.lock();
    try {
      entries.put(key, new Held<>(value, since.plus(ttl)));
    } finally {
      lock.unlock();
    }
  }

  void removeIf(Predicate<V> condition) {
    lock.lock();
    try {
      entries.values().removeIf(e -> condition.test(e.value()));
    } finally {
      lock.unlock();
    }
  }

  int size() {
    lock.lock();
    try {
      return entries.size();
    } finally {
      lock.unlock();
    }
  }

  Set<String> keys() {
    lock.lock();
    try {
      return Set.copyOf(entries.keySet());
    } finally {
      lock.unlock();
    }
  }
}
