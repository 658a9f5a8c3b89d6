package io.visiona.server.signing;

/** The outcome of verifying a signed request. */
public sealed interface VerificationResult {

  boolean accepted();

  static VerificationResult accepted(String keyId) {
    return new Accepted(keyId);
  }

  static VerificationResult rejected(RejectReason reason, String detail) {
    return new Rejected(reason, detail);
  }

  /** A valid, fresh, first-seen signature made with key {@code keyId}. */
  record Accepted(String keyId) implements VerificationResult {
    @Override
    public boolean accepted() {
      return true;
    }
  }

  /**
   * A refused request. {@code detail} is for server logs (it never contains key material or
   * signatures); callers get a generic message.
   */
  record Rejected(RejectReason reason, String detail) implements VerificationResult {
    @Override
    public boolean accepted() {
      return false;
    }
  }
}
