package io.visiona.proxy.presence;

/** A presence call that did not go through, and what that means for the events it carried. */
final class PresenceCallException extends Exception {

  enum Kind {
    /** No answer, or one to retry (5xx, 404 from an api-server without presence, ...). */
    UNAVAILABLE,
    /** 409 STALE_BOOT: the api-server knows another boot of this replica; heartbeat, resend. */
    STALE_BOOT,
    /** 400: the api-server will never take these events; sending them again cannot help. */
    REJECTED
  }

  private final Kind kind;

  PresenceCallException(String message, Kind kind, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  Kind kind() {
    return kind;
  }
}
