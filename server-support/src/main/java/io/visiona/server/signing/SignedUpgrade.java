package io.visiona.server.signing;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.http.RequestException;
import io.visiona.server.errors.ErrorEnvelope;
import java.util.List;
import java.util.function.Consumer;

/**
 * Verifies a signed WebSocket (or other) upgrade request, which Helidon 4.2 hands to the upgrade
 * handler without running HTTP filters. The body is empty by definition. Use it first thing in
 * {@code WsListener.onHttpUpgrade}:
 *
 * <pre>{@code
 * public Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers headers) {
 *   signedUpgrade.require(prologue, headers);
 *   return Optional.empty();
 * }
 * }</pre>
 */
public final class SignedUpgrade {

  static final HeaderName SIGNATURE = HeaderNames.create(SignatureHeader.NAME);
  static final HeaderName DIGEST = HeaderNames.create(ContentDigest.HEADER);

  private static final byte[] NO_BODY = new byte[0];

  private final RequestVerifier verifier;
  private final Rejections rejections;

  public SignedUpgrade(RequestVerifier verifier, Consumer<RejectReason> onReject) {
    this(verifier, verifier.direction(), onReject);
  }

  private SignedUpgrade(
      RequestVerifier verifier, Direction direction, Consumer<RejectReason> onReject) {
    this.verifier = verifier;
    this.rejections = new Rejections(direction, onReject);
  }

  /**
   * For a listener without verification keys: every upgrade is refused ({@link
   * RejectReason#NOT_CONFIGURED}).
   */
  public static SignedUpgrade denyingAll(Direction direction, Consumer<RejectReason> onReject) {
    return new SignedUpgrade(null, direction, onReject);
  }

  /** Verifies without side effects beyond the replay cache; logs nothing. */
  public VerificationResult verify(HttpPrologue prologue, Headers headers) {
    if (verifier == null) {
      return VerificationResult.rejected(
          RejectReason.NOT_CONFIGURED, "no verification keys configured");
    }
    return verifier.verify(
        prologue.method().text(),
        RequestTarget.of(prologue),
        headers.all(SIGNATURE, List::of),
        headers.all(DIGEST, List::of),
        NO_BODY);
  }

  /**
   * Verifies, and on refusal logs the reason, calls the metrics hook and throws a {@link
   * RequestException} that Helidon turns into a 401 (503 when the replay cache is full) with a
   * generic message, in the JSON envelope where the listener has {@link
   * ErrorEnvelope#directHandlers()}. (A {@code WsUpgradeException} would instead fall through to
   * routing, a 404.)
   *
   * @return id of the key that signed the upgrade
   */
  public String require(HttpPrologue prologue, Headers headers) {
    VerificationResult result = verify(prologue, headers);
    if (result instanceof VerificationResult.Rejected rejected) {
      rejections.record(prologue, rejected.reason(), rejected.detail());
      throw ErrorEnvelope.refusal(
          Rejections.code(rejected.reason()), Rejections.message(rejected.reason()));
    }
    return ((VerificationResult.Accepted) result).keyId();
  }
}
