package io.visiona.api.pairing;

/** A pairing request that cannot be served; {@link Kind} names the answer. */
public final class PairingException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** Why, with the HTTP status the API answers. */
  public enum Kind {
    /** Unknown, expired, someone else's, or not a user code at all: all look the same. */
    NOT_FOUND(404),
    /** The person entered too many wrong codes within one code lifetime. */
    TOO_MANY_WRONG_CODES(429),
    /** Already approved or denied (by this person or, for a race, by another). */
    ALREADY_DECIDED(409),
    /** This address has as many open pairings as it may have. */
    TOO_MANY_PENDING(429),
    /** The server has as many open pairings as it may have. */
    BUSY(503),
    /** The box's description is not acceptable. */
    INVALID(400);

    private final int status;

    Kind(int status) {
      this.status = status;
    }

    public int status() {
      return status;
    }
  }

  private final Kind kind;

  public PairingException(Kind kind, String message) {
    super(message, null, false, false);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
