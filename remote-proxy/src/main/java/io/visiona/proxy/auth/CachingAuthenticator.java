package io.visiona.proxy.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * Remembers the answers of another authenticator for a short time: positive ones so that a fleet of
 * agents reconnecting at once does not hammer the api-server, refusals (for a shorter time) so that
 * an agent retrying a wrong credential, or someone replaying one, costs no verify call. Both are
 * bounded (least recently used entries go first) and kept apart, so a flood of wrong credentials
 * cannot push out the good ones. Keyed by the SHA-256 of the credential, never the credential
 * itself. Failures ("unavailable") are not remembered.
 */
public final class CachingAuthenticator implements AgentAuthenticator {

  private static final Boolean REFUSED = Boolean.TRUE;

  private final AgentAuthenticator delegate;
  private final Clock clock;
  private final ExpiringCache<AgentIdentity> accepted;
  private final ExpiringCache<Boolean> refused;

  /**
   * @param ttl how long a positive answer is remembered; zero disables
   * @param maxEntries most positive answers remembered
   * @param refusalTtl how long a refusal is remembered; zero disables
   * @param refusalMaxEntries most refusals remembered
   */
  public CachingAuthenticator(
      AgentAuthenticator delegate,
      Duration ttl,
      int maxEntries,
      Duration refusalTtl,
      int refusalMaxEntries,
      Clock clock) {
    this.delegate = delegate;
    this.clock = clock;
    this.accepted = new ExpiringCache<>(ttl, maxEntries, clock);
    this.refused = new ExpiringCache<>(refusalTtl, refusalMaxEntries, clock);
  }

  @Override
  public Optional<AgentIdentity> authenticate(String credential) throws AuthUnavailableException {
    if (!accepted.enabled() && !refused.enabled()) {
      return delegate.authenticate(credential);
    }
    String key = Credentials.hash(credential);
    Optional<CachedAnswer> known = lookUp(key);
    if (known.isPresent()) {
      return known.get() instanceof CachedAnswer.Accepted a
          ? Optional.of(a.identity())
          : Optional.empty();
    }
    Instant asked = clock.instant();
    Optional<AgentIdentity> identity = delegate.authenticate(credential);
    if (identity.isPresent()) {
      accepted.put(key, identity.get(), asked);
    } else {
      refused.put(key, REFUSED, asked);
    }
    return identity;
  }

  @Override
  public Optional<CachedAnswer> cached(String credential) {
    if (!accepted.enabled() && !refused.enabled()) {
      return Optional.empty();
    }
    return lookUp(Credentials.hash(credential));
  }

  private Optional<CachedAnswer> lookUp(String key) {
    Optional<AgentIdentity> identity = accepted.get(key);
    if (identity.isPresent()) {
      return Optional.of(new CachedAnswer.Accepted(identity.get()));
    }
    return refused.get(key).map(r -> new CachedAnswer.Refused());
  }

  @Override
  public void forgetDevice(String deviceId) {
    accepted.removeIf(identity -> identity.deviceId().equals(deviceId));
    delegate.forgetDevice(deviceId);
  }

  /** Positive answers currently held (for tests and diagnostics). */
  public int size() {
    return accepted.size();
  }

  /** Refusals currently held (for tests and diagnostics). */
  public int refusals() {
    return refused.size();
  }

  /** True if a positive answer for this credential is remembered; looks by hash. */
  boolean holds(String credential) {
    return accepted.get(Credentials.hash(credential)).isPresent();
  }

  /** The keys held (both kinds), for the test that no raw credential is stored. */
  Set<String> keys() {
    Set<String> all = new java.util.HashSet<>(accepted.keys());
    all.addAll(refused.keys());
    return all;
  }
}
