package io.visiona.tunnel;

import java.io.IOException;

/** The stream was reset, by the peer or locally; no more data can be read or written. */
public final class StreamResetException extends IOException {
  private final ResetReason reason;

  public StreamResetException(ResetReason reason) {
    super("stream reset: " + reason.description());
    this.reason = reason;
  }

  public ResetReason reason() {
    return reason;
  }
}
