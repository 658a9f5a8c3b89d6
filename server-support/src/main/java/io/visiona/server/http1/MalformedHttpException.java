package io.visiona.server.http1;

import java.io.IOException;

/** The peer sent something that is not HTTP/1.1, or more of it than the limits allow. */
public final class MalformedHttpException extends IOException {

  private static final long serialVersionUID = 1L;

  private final boolean tooLarge;

  public MalformedHttpException(String message) {
    this(message, false);
  }

  public MalformedHttpException(String message, boolean tooLarge) {
    super(message);
    this.tooLarge = tooLarge;
  }

  /** True when the message was well formed so far but over a size limit. */
  public boolean tooLarge() {
    return tooLarge;
  }
}
