package io.visiona.proxy.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Remembers positive answers of another authenticator for a short time, so that a fleet of agents
 * reconnecting at once does not hammer the api-server. Bounded (least recently used entries go
 * first); keyed by the SHA-256 of the credential, never the credential itself. Negative answers and
 * failures are not remembered.
 */
public final class CachingAuthenticator implements AgentAuthenticator {

  private record Entry(AgentIdentity identity, Instant expires) {}

  private final AgentAuthenticator delegate;
  private final Duration ttl;
  private final int maxEntries;
  private final Clock clock;
  private final ReentrantLock lock = new ReentrantLock();
  private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);

  public CachingAuthenticator(
      AgentAuthenticator delegate, Duration ttl, int maxEntries, Clock clock) {
    if (maxEntries < 0) {
      throw new IllegalArgumentException("maxEntries must not be negative");
    }
    this.delegate = delegate;
    this.ttl = ttl;
    this.maxEntries = maxEntries;
    this.clock = clock;
  }

  @Override
  public Optional<AgentIdentity> authenticate(String credential) throws AuthUnavailableException {
    if (ttl.isZero() || maxEntries == 0) {
      return delegate.authenticate(credential);
    }
    String key = Credentials.hash(credential);
    Instant now = clock.instant();
    lock.lock();
    try {
      Entry e = entries.get(key);
      if (e != null) {
        if (now.isBefore(e.expires())) {
          return Optional.of(e.identity());
        }
        entries.remove(key);
      }
    } finally {
      lock.unlock();
    }
    Optional<AgentIdentity> identity = delegate.authenticate(credential);
    identity.ifPresent(id -> put(key, new Entry(id, now.plus(ttl))));
    return identity;
  }

  private void put(String key, Entry entry) {
    lock.lock();
    try {
      entries.put(key, entry);
      Iterator<String> eldest = entries.keySet().iterator();
      while (entries.size() > maxEntries) {
        eldest.next();
        eldest.remove();
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void forgetDevice(String deviceId) {
    lock.lock();
    try {
      entries.values().removeIf(e -> e.identity().deviceId().equals(deviceId));
    } finally {
      lock.unlock();
    }
    delegate.forgetDevice(deviceId);
  }

  /** Entries currently held (for tests and diagnostics). */
  public int size() {
    lock.lock();
    try {
      return entries.size();
    } finally {
      lock.unlock();
    }
  }

  /** True if an answer for this credential is remembered; looks by hash. */
  boolean holds(String credential) {
    lock.lock();
    try {
      return entries.containsKey(Credentials.hash(credential));
    } finally {
      lock.unlock();
    }
  }

  /** The keys held, for the test that no raw credential is stored. */
  Iterable<String> keys() {
    lock.lock();
    try {
      return Map.copyOf(entries).keySet();
    } finally {
      lock.unlock();
    }
  }
}
