package io.visiona.api.relay;

import java.io.IOException;

/** A relay stream that could not be opened, with the stable code the API answers with. */
public final class RelayException extends IOException {

  private static final long serialVersionUID = 1L;

  /** Why. */
  public enum Reason {
    /** No relay link to the proxy right now (unreachable, not configured, reconnecting). */
    RELAY_UNAVAILABLE,
    /** The proxy has no tunnel for the device. */
    DEVICE_OFFLINE,
    /** The device's tunnel holds as many streams (or as much window memory) as the proxy allows. */
    TOO_MANY_STREAMS,
    /** The proxy refused for another reason (its code is in the message), or did not answer. */
    RELAY_REFUSED
  }

  private final Reason reason;

  public RelayException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
