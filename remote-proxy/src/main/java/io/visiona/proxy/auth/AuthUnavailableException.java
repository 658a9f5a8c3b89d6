package io.visiona.proxy.auth;

/** The credential could not be checked; the agent should retry later. */
public final class AuthUnavailableException extends Exception {
  public AuthUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
