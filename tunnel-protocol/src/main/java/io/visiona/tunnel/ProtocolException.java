package io.visiona.tunnel;

import java.io.IOException;

/** The peer broke the yamux protocol; the session answers with GoAway(protocol error). */
public final class ProtocolException extends IOException {
  public ProtocolException(String message) {
    super(message);
  }
}
