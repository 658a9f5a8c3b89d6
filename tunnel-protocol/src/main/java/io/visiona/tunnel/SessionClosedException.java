package io.visiona.tunnel;

import java.io.IOException;

/** The session is closed (locally, by the peer, or because the transport failed). */
public class SessionClosedException extends IOException {
  public SessionClosedException(String message, Throwable cause) {
    super(cause == null ? message : message + ": " + cause.getMessage(), cause);
  }
}
