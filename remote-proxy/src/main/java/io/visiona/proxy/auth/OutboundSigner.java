package io.visiona.proxy.auth;

import java.net.URI;
import java.net.http.HttpRequest;

/**
 * Builds signed requests to the api-server's internal API (direction proxy→api). The shape matches
 * the signing module's {@code SignedHttpRequests#request}.
 */
@FunctionalInterface
public interface OutboundSigner {

  /**
   * A request builder with method, URI, body and signature headers set.
   *
   * @throws IllegalStateException when no usable signing key is configured
   */
  HttpRequest.Builder request(String method, URI uri, byte[] body);
}
