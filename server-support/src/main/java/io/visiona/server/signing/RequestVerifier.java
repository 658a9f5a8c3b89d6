package io.visiona.server.signing;

import static io.visiona.server.signing.VerificationResult.rejected;

import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Verifies signed internal requests arriving in one {@link Direction}.
 *
 * <p>Checks, in order: the signature header is present and well formed, {@code created} is within
 * the allowed clock skew of now, the key is in this direction's ring and not retired, {@code
 * Content-Digest} matches the body, the HMAC matches (constant-time compare), and the nonce has not
 * been seen inside the window. The nonce is recorded only after the HMAC has been checked, so
 * unauthenticated traffic cannot fill the replay cache.
 *
 * <p>Thread-safe; one instance per listener (it owns the replay cache).
 */
public final class RequestVerifier {

  /** Stripe's and RFC 9421 practice; also the replay window. */
  public static final Duration DEFAULT_MAX_SKEW = Duration.ofMinutes(5);

  private final Direction direction;
  private final KeyRing keys;
  private final Clock clock;
  private final long maxSkewSeconds;
  private final NonceCache nonces;

  /**
   * @param maxSkew largest accepted |now − created|; nonces are remembered this long past {@code
   *     created}
   * @param replayCacheSize most nonces remembered at once; beyond it, requests get {@link
   *     RejectReason#REPLAY_CACHE_FULL} until older nonces leave the window
   */
  public RequestVerifier(
      Direction direction, KeyRing keys, Clock clock, Duration maxSkew, int replayCacheSize) {
    if (maxSkew.isNegative() || maxSkew.isZero()) {
      throw new IllegalArgumentException("max clock skew must be positive");
    }
    this.direction = direction;
    this.keys = keys;
    this.clock = clock;
    this.maxSkewSeconds = maxSkew.toSeconds();
    this.nonces = new NonceCache(replayCacheSize);
  }

  public Direction direction() {
    return direction;
  }

  /**
   * Verifies one request.
   *
   * @param method the HTTP method as received
   * @param pathAndQuery the raw request target: path plus {@code ?query} when there is one
   * @param signatureHeaders every value of {@code Visiona-Signature} (normally one)
   * @param digestHeaders every value of {@code Content-Digest} (normally one)
   * @param body the complete body; empty for none
   */
  public VerificationResult verify(
      String method,
      String pathAndQuery,
      List<String> signatureHeaders,
      List<String> digestHeaders,
      byte[] body) {
    if (signatureHeaders.isEmpty()) {
      return rejected(RejectReason.MISSING_SIGNATURE, "no " + SignatureHeader.NAME + " header");
    }
    if (signatureHeaders.size() > 1 || digestHeaders.size() != 1) {
      return rejected(RejectReason.MALFORMED, "signature and digest headers must appear once");
    }
    Optional<SignatureHeader> parsed = SignatureHeader.parse(signatureHeaders.get(0));
    if (parsed.isEmpty()) {
      return rejected(RejectReason.MALFORMED, SignatureHeader.NAME + " not in the documented form");
    }
    SignatureHeader sig = parsed.get();

    var nowInstant = clock.instant();
    long now = nowInstant.getEpochSecond();
    if (now - sig.created() > maxSkewSeconds) {
      return rejected(RejectReason.STALE, "created " + (now - sig.created()) + " s ago");
    }
    if (sig.created() - now > maxSkewSeconds) {
      return rejected(RejectReason.FUTURE, "created " + (sig.created() - now) + " s ahead");
    }

    Optional<SigningKey> key = keys.find(sig.keyId());
    if (key.isEmpty()) {
      return rejected(RejectReason.UNKNOWN_KEY, "key id '" + sig.keyId() + "'");
    }
    if (key.get().retiredAt(nowInstant)) {
      return rejected(RejectReason.RETIRED_KEY, "key id '" + sig.keyId() + "'");
    }

    if (!ContentDigest.matches(digestHeaders.get(0), body)) {
      return rejected(RejectReason.BAD_DIGEST, "body does not match " + ContentDigest.HEADER);
    }

    String base =
        SignatureBase.of(
            direction,
            sig.keyId(),
            sig.created(),
            sig.nonce(),
            method,
            pathAndQuery,
            ContentDigest.of(body));
    byte[] expected = SignatureBase.mac(key.get(), base);
    byte[] given = Base64.getUrlDecoder().decode(sig.signature());
    if (!MessageDigest.isEqual(expected, given)) {
      return rejected(RejectReason.BAD_SIGNATURE, "key id '" + sig.keyId() + "'");
    }

    return switch (nonces.add(sig.nonce(), sig.created() + maxSkewSeconds, now)) {
      case FIRST_SEEN -> VerificationResult.accepted(sig.keyId());
      case REPLAY ->
          rejected(RejectReason.REPLAY, "nonce already used, key id '" + sig.keyId() + "'");
      case FULL -> rejected(RejectReason.REPLAY_CACHE_FULL, "replay cache full");
    };
  }

  @Override
  public String toString() {
    return "RequestVerifier[" + direction + ", " + keys + "]";
  }
}
