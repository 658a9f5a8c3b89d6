package io.visiona.server.signing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.WebSocket;

/**
 * Signed requests for the JDK {@link HttpClient}, for one direction:
 *
 * <pre>{@code
 * HttpRequest req = signed.request("POST", uri, json).header("Content-Type", "application/json").build();
 * WebSocket ws = signed.webSocket(client, wsUri).buildAsync(wsUri, listener).join();
 * }</pre>
 *
 * The signature covers the method, the URI's raw path and query and the body given here; changing
 * any of them on the returned builder makes the request fail verification. Sign each request (and
 * each retry) anew: nonces are single-use.
 */
public final class SignedHttpRequests {

  private static final byte[] NO_BODY = new byte[0];

  private final RequestSigner signer;

  public SignedHttpRequests(RequestSigner signer) {
    this.signer = signer;
  }

  /** A request builder with method, URI, body and both signature headers set. */
  public HttpRequest.Builder request(String method, URI uri, byte[] body) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(uri)
            .method(
                method,
                body.length == 0
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    signer.sign(method, RequestTarget.of(uri), body).forEach(builder::header);
    return builder;
  }

  /** The signature headers of a WebSocket upgrade (a GET without body) to {@code uri}. */
  public java.util.Map<String, String> upgradeHeaders(URI uri) {
    return signer.sign("GET", RequestTarget.of(uri), NO_BODY).asMap();
  }

  /** A WebSocket builder whose opening handshake (a GET without body) carries the signature. */
  public WebSocket.Builder webSocket(HttpClient client, URI uri) {
    WebSocket.Builder builder = client.newWebSocketBuilder();
    signer.sign("GET", RequestTarget.of(uri), NO_BODY).forEach(builder::header);
    return builder;
  }
}
