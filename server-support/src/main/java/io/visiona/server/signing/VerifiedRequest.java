package io.visiona.server.signing;

import io.helidon.webserver.http.ServerRequest;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * What {@link SignatureFilter} leaves for the handler: the key that signed the request and the body
 * it verified.
 *
 * <p>The filter has to read the whole body to check its digest, so {@code req.content()} is already
 * consumed when the handler runs. Handlers behind the filter read the body from here instead:
 *
 * <pre>{@code
 * byte[] body = VerifiedRequest.of(req).body();
 * }</pre>
 */
public final class VerifiedRequest {

  // A private classifier so nothing else in the request context can impersonate the filter.
  private static final Object CLASSIFIER = new Object();

  private final String keyId;
  private final byte[] body;

  private VerifiedRequest(String keyId, byte[] body) {
    this.keyId = keyId;
    this.body = body;
  }

  static void attach(ServerRequest req, String keyId, byte[] body) {
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

  /** A copy of the body; empty when there was none. */
  public byte[] body() {
    return body.clone();
  }

  public InputStream bodyStream() {
    return new ByteArrayInputStream(body);
  }

  public String bodyAsString() {
    return new String(body, StandardCharsets.UTF_8);
  }

  public int bodyLength() {
    return body.length;
  }

  @Override
  public String toString() {
    return "VerifiedRequest[keyId=" + keyId + ", body=" + body.length + " bytes]";
  }
}
