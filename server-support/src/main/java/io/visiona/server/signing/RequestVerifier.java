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
 * <p>The signature covers the request line and the {@code Content-Digest} header; the body is then
 * checked against that digest. {@link #verifyHead} does the first part alone, so that servers can
 * refuse unsigned requests before reading their bodies.
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
   * Verifies one request whose whole body is at hand (e.g. an upgrade, whose body is empty): {@link
   * #verifyHead}, then the body against the signed {@code Content-Digest}.
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
    VerificationResult head = verifyHead(method, pathAndQuery, signatureHeaders, digestHeaders);
    if (head.accepted() && !ContentDigest.matches(digestHeaders.get(0), body)) {
      return rejected(RejectReason.BAD_DIGEST, "body does not match " + ContentDigest.HEADER);
    }
    return head;
  }

  /**
   * Verifies everything but the body: the signature covers the {@code Content-Digest} header, so a
   * server can refuse a forged request before it reads a byte of the body, and read the body only
   * when this accepted. The caller must then check the body with {@link ContentDigest#matches}
   * against the (single) digest header before acting on it.
   *
   * <p>Order: the signature header is present and well formed, {@code created} is within the
   * allowed clock skew, the key is known and not retired, the HMAC matches (constant-time compare),
   * and the nonce has not been seen inside the window. The nonce is recorded only after the HMAC
   * has been checked, so unauthenticated traffic cannot fill the replay cache.
   */
  public VerificationResult verifyHead(
      String method,
      String pathAndQuery,
      List<String> signatureHeaders,
      List<String> digestHeaders) {
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

    String base =
        SignatureBase.of(
            direction,
            sig.keyId(),
            sig.created(),
            sig.nonce(),
            method,
            pathAndQuery,
            digestHeaders.get(0).strip());
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
