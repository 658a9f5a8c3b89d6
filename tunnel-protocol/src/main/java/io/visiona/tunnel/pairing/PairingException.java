package io.visiona.tunnel.pairing;

/** Pairing or rotation ended without a credential; {@link #reason()} says why. */
public final class PairingException extends Exception {

  private static final long serialVersionUID = 1L;

  /** Why; the names of RFC 8628 §3.5 where they apply. */
  public enum Reason {
    /** The person denied the pairing. */
    ACCESS_DENIED,
    /** Nobody approved it within its lifetime. */
    EXPIRED_TOKEN,
    /** The server does not know the device code (or it was already exchanged). */
    INVALID_GRANT,
    /** The current credential was refused (rotation). */
    UNAUTHORIZED,
    /** The server refused or could not be reached until the deadline. */
    UNAVAILABLE
  }

  private final Reason reason;

  public PairingException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public PairingException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
