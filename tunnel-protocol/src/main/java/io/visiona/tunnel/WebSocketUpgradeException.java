package io.visiona.tunnel;

import java.io.IOException;

/** The server answered a WebSocket upgrade with an HTTP status other than 101. */
public final class WebSocketUpgradeException extends IOException {

  private final int status;

  public WebSocketUpgradeException(int status, String message) {
    super(message);
    this.status = status;
  }

  /** The HTTP status of the answer, e.g. 401. */
  public int status() {
    return status;
  }
}
