package io.visiona.proxy.auth;

import io.visiona.server.limits.AddressRateLimiter;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Checks agent credentials for client addresses, with a budget of failed checks per address ({@link
 * FailureLimitSettings}), so that guessing credentials from one address costs the api-server at
 * most {@code burst} verify calls and then one per refill interval.
 *
 * <ul>
 *   <li>A remembered answer (see {@link AgentAuthenticator#cached}) costs nothing and is given
 *       without touching the budget.
 *   <li>Any other check takes a permit first, so that concurrent guesses cannot overrun the budget,
 *       and gives it back unless the credential is refused (an unavailable api-server is not the
 *       client's failure).
 *   <li>When the budget is empty only because checks from the same address are still in flight (a
 *       fleet behind one NAT reconnecting at once), the check waits for them instead of being
 *       refused: successful neighbours never cause a refusal.
 * </ul>
 *
 * The trade-off: while an address is over its budget, every agent behind it whose answer is not
 * remembered (e.g. after a restart of the proxy) is refused like the guesser, until the bucket
 * refills. Agents verified within the cache TTL still connect.
 */
public final class AddressLimitedAuthenticator {

  private final AgentAuthenticator authenticator;
  private final AddressRateLimiter failures;
  private final Duration retryAfter;
  private final Duration maxWait;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition checkEnded = lock.newCondition();
  // Checks in flight per address; entries go at zero, so the map holds at most one entry per
  // upgrade in progress (each bounded by the handshake timeout).
  private final Map<String, Integer> inFlight = new HashMap<>();

  /**
   * @param maxWait longest wait for the checks in flight from the same address (the handshake
   *     timeout: no check lasts longer)
   */
  public AddressLimitedAuthenticator(
      AgentAuthenticator authenticator, FailureLimitSettings limit, Duration maxWait, Clock clock) {
    this.authenticator = authenticator;
    this.failures =
        limit.enabled()
            ? new AddressRateLimiter(limit.perSecond(), limit.burst(), limit.maxAddresses(), clock)
            : null;
    this.retryAfter = limit.refillInterval();
    this.maxWait = maxWait;
  }

  /**
   * The identity behind {@code credential}, or empty if it is not valid.
   *
   * @throws TooManyFailuresException when {@code clientAddress} is over its budget (no check made)
   * @throws AuthUnavailableException when the answer cannot be had
   */
  public Optional<AgentIdentity> authenticate(String credential, String clientAddress)
      throws AuthUnavailableException, TooManyFailuresException {
    Optional<CachedAnswer> known = authenticator.cached(credential);
    if (known.isPresent()) {
      return known.get() instanceof CachedAnswer.Accepted a
          ? Optional.of(a.identity())
          : Optional.empty();
    }
    if (failures == null) {
      return authenticator.authenticate(credential);
    }
    takePermit(clientAddress);
    boolean refused = false;
    try {
      Optional<AgentIdentity> identity = authenticator.authenticate(credential);
      refused = identity.isEmpty();
      return identity;
    } finally {
      checkDone(clientAddress, refused);
    }
  }

  private void takePermit(String address)
      throws TooManyFailuresException, AuthUnavailableException {
    long deadline = System.nanoTime() + maxWait.toNanos();
    lock.lock();
    try {
      while (!failures.tryAcquire(address)) {
        long left = deadline - System.nanoTime();
        if (inFlight.getOrDefault(address, 0) == 0 || left <= 0) {
          throw new TooManyFailuresException(retryAfter);
        }
        checkEnded.await(left, TimeUnit.NANOSECONDS);
      }
      inFlight.merge(address, 1, Integer::sum);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AuthUnavailableException("interrupted", e);
    } finally {
      lock.unlock();
    }
  }

  private void checkDone(String address, boolean refused) {
    lock.lock();
    try {
      inFlight.computeIfPresent(address, (a, n) -> n == 1 ? null : n - 1);
      if (!refused) {
        failures.release(address);
      }
      checkEnded.signalAll();
    } finally {
      lock.unlock();
    }
  }
}
