package io.visiona.server.signing;

/**
 * Why a signed request was refused. The names are stable: they are metric tag values and appear in
 * server logs. The caller only ever sees the HTTP status and a generic message.
 */
public enum RejectReason {
  /** No {@code Visiona-Signature} header. */
  MISSING_SIGNATURE(401),
  /** A signature or digest header that does not have the documented form, or appears twice. */
  MALFORMED(401),
  /** A key id that is not in the ring of this direction. */
  UNKNOWN_KEY(401),
  /** A key id whose not-after instant has passed. */
  RETIRED_KEY(401),
  /** {@code Content-Digest} does not match the body received. */
  BAD_DIGEST(401),
  /** The HMAC does not match. */
  BAD_SIGNATURE(401),
  /** {@code created} is further in the past than the allowed clock skew. */
  STALE(401),
  /** {@code created} is further in the future than the allowed clock skew. */
  FUTURE(401),
  /** The nonce was already used within the window. */
  REPLAY(401),
  /**
   * The replay cache is full of nonces still inside the window. The request may be genuine; the
   * server refuses it rather than forget nonces (which would allow replays).
   */
  REPLAY_CACHE_FULL(503),
  /** The body is larger than the filter buffers. */
  BODY_TOO_LARGE(413),
  /** The listener has no keys to verify with: every request that needs a signature is refused. */
  NOT_CONFIGURED(401);

  private final int httpStatus;

  RejectReason(int httpStatus) {
    this.httpStatus = httpStatus;
  }

  /** The status the server answers with. */
  public int httpStatus() {
    return httpStatus;
  }
}
