package io.visiona.server.signing;

import io.helidon.webserver.http.ServerRequest;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * What {@link SignatureFilter} leaves for the handler: the key that signed the request and its
 * body.
 *
 * <p>The body is read on first use, bounded, and compared with the signed digest before any of it
 * is returned (a mismatch or an oversized body is answered by the filter). A handler can therefore
 * decide first whether it has room for the body (the declared {@code Content-Length} is in the
 * headers), then read it:
 *
 * <pre>{@code
 * byte[] body = VerifiedRequest.of(req).body();
 * }</pre>
 *
 * Never read the body of a signed request through {@code req.content()}: that skips the digest.
 */
public final class VerifiedRequest {

  // A private classifier so nothing else in the request context can impersonate the filter.
  private static final Object CLASSIFIER = new Object();

  private final String keyId;
  private final SignedBody body;

  private VerifiedRequest(String keyId, SignedBody body) {
    this.keyId = keyId;
    this.body = body;
  }

  static void attach(ServerRequest req, String keyId, SignedBody body) {
    req.context().register(CLASSIFIER, new VerifiedRequest(keyId, body));
  }

  /** The verified request, or empty when the request did not pass a {@link SignatureFilter}. */
  public static Optional<VerifiedRequest> find(ServerRequest req) {
    return req.context().get(CLASSIFIER, VerifiedRequest.class);
  }

  /**
   * The verified request.
   *
   * @throws IllegalStateException when the route is not behind a {@link SignatureFilter}, so a
   *     wiring mistake fails closed
   */
  public static VerifiedRequest of(ServerRequest req) {
    return find(req)
        .orElseThrow(() -> new IllegalStateException("request did not pass the signature filter"));
  }

  /** Id of the key that signed the request. */
  public String keyId() {
    return keyId;
  }

  /** A copy of the verified body; empty when there was none. */
  public byte[] body() {
    return body.get().clone();
  }

  /** The verified body, without a copy. */
  public InputStream bodyStream() {
    return new ByteArrayInputStream(body.get());
  }

  public String bodyAsString() {
    return new String(body.get(), StandardCharsets.UTF_8);
  }

  public int bodyLength() {
    return body.get().length;
  }

  @Override
  public String toString() {
    return "VerifiedRequest[keyId=" + keyId + "]";
  }
}
