package io.visiona.proxy.auth;

import java.util.Optional;

/** Checks an agent's device credential before its tunnel is accepted. */
public interface AgentAuthenticator {

  /**
   * The identity behind {@code credential}, or empty if the credential is not valid.
   *
   * @throws AuthUnavailableException when the answer cannot be had (backend down, timeout)
   */
  Optional<AgentIdentity> authenticate(String credential) throws AuthUnavailableException;

  /**
   * What is already known about {@code credential} without asking anyone (a remembered answer), if
   * anything. Lets a caller skip work that only an uncached check needs.
   */
  default Optional<CachedAnswer> cached(String credential) {
    return Optional.empty();
  }

  /** Forgets anything remembered about {@code deviceId} (called when its tunnel is revoked). */
  default void forgetDevice(String deviceId) {}
}
