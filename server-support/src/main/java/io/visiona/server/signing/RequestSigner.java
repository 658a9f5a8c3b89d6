package io.visiona.server.signing;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;

/**
 * Signs outgoing internal requests for one {@link Direction} with the current key of its ring.
 *
 * <p>Thread-safe. See {@link SignatureBase} for what is signed and {@link SignatureHeader} for the
 * header format.
 */
public final class RequestSigner {

  /** 128 bits: collisions among honest nonces stay negligible for the life of a key. */
  static final int NONCE_BYTES = 16;

  private final Direction direction;
  private final KeyRing keys;
  private final Clock clock;
  private final SecureRandom random;

  public RequestSigner(Direction direction, KeyRing keys, Clock clock) {
    this(direction, keys, clock, new SecureRandom());
  }

  RequestSigner(Direction direction, KeyRing keys, Clock clock, SecureRandom random) {
    this.direction = direction;
    this.keys = keys;
    this.clock = clock;
    this.random = random;
  }

  public Direction direction() {
    return direction;
  }

  /**
   * The headers for a request.
   *
   * @param method the HTTP method, e.g. {@code POST}
   * @param pathAndQuery the request target exactly as sent: raw (percent-encoded) path, plus {@code
   *     ?} and the raw query when there is one
   * @param body the body bytes; empty for none
   * @throws IllegalStateException when every key of the ring is retired
   */
  public SignedHeaders sign(String method, String pathAndQuery, byte[] body) {
    var now = clock.instant();
    SigningKey key = keys.current(now);
    long created = now.getEpochSecond();
    String nonce = newNonce();
    String digest = ContentDigest.of(body);
    String base =
        SignatureBase.of(direction, key.id(), created, nonce, method, pathAndQuery, digest);
    var header = new SignatureHeader(key.id(), created, nonce, SignatureBase.sign(key, base));
    return new SignedHeaders(header.format(), digest);
  }

  private String newNonce() {
    byte[] bytes = new byte[NONCE_BYTES];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  @Override
  public String toString() {
    return "RequestSigner[" + direction + ", " + keys + "]";
  }
}
