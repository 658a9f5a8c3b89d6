package io.visiona.proxy.auth;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Bounds how long a credential check may take (part of the handshake timeout): a check that does
 * not finish in time is abandoned and reported as unavailable.
 */
public final class TimedAuthenticator implements AgentAuthenticator {

  private final AgentAuthenticator delegate;
  private final Duration timeout;

  public TimedAuthenticator(AgentAuthenticator delegate, Duration timeout) {
    this.delegate = delegate;
    this.timeout = timeout;
  }

  @Override
  public Optional<AgentIdentity> authenticate(String credential) throws AuthUnavailableException {
    FutureTask<Optional<AgentIdentity>> task =
        new FutureTask<>(() -> delegate.authenticate(credential));
    Thread.ofVirtual().name("agent-auth").start(task);
    try {
      return task.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      task.cancel(true);
      throw new AuthUnavailableException("credential check took longer than " + timeout, e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof AuthUnavailableException u) {
        throw u;
      }
      throw new AuthUnavailableException("credential check failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      task.cancel(true);
      Thread.currentThread().interrupt();
      throw new AuthUnavailableException("interrupted", e);
    }
  }

  @Override
  public Optional<CachedAnswer> cached(String credential) {
    return delegate.cached(credential);
  }

  @Override
  public void forgetDevice(String deviceId) {
    delegate.forgetDevice(deviceId);
  }
}
