package io.visiona.proxy.auth;

import java.time.Duration;

/** The client address used up its budget of failed credential checks; nothing was checked. */
public final class TooManyFailuresException extends Exception {

  private final Duration retryAfter;

  public TooManyFailuresException(Duration retryAfter) {
    super("too many failed credential checks from this address", null, false, false);
    this.retryAfter = retryAfter;
  }

  /** When the address gets its next permit at the latest. */
  public Duration retryAfter() {
    return retryAfter;
  }
}
