/**
 * Authentication of every internal request between api-server and remote-proxy, in both directions:
 * HMAC-SHA256 request signatures in the style of RFC 9421 (see docs/adr/0005).
 *
 * <p>A signed request carries two headers:
 *
 * <pre>
 * Visiona-Signature: keyid="k2026a",created=1772366400,nonce="3q2-7wAAAAAAAAAAAAAAAA",sig="&lt;43 chars base64url&gt;"
 * Content-Digest: sha-256=:&lt;base64 of SHA-256(body)&gt;:
 * </pre>
 *
 * The signature is HMAC-SHA256, under the key named by {@code keyid}, of the newline-joined lines
 * {@code visiona-signature-v1}, direction label, key id, created, nonce, method, raw path and
 * query, Content-Digest value (see {@link io.visiona.server.signing.SignatureBase}).
 *
 * <p>Sending: {@link io.visiona.server.signing.SignedHttpRequests} (JDK HttpClient, WebSocket
 * handshakes included) on top of {@link io.visiona.server.signing.RequestSigner}. Receiving: {@link
 * io.visiona.server.signing.SignatureFilter} on a listener's HTTP routing, handlers reading the
 * body through {@link io.visiona.server.signing.VerifiedRequest}; {@link
 * io.visiona.server.signing.SignedUpgrade} inside {@code WsListener.onHttpUpgrade}, since upgrades
 * bypass filters. Configuration: {@link io.visiona.server.signing.SigningSettings}.
 */
package io.visiona.server.signing;
