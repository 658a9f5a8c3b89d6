package io.visiona.server.signing;

/**
 * The string that is signed, and its HMAC-SHA256.
 *
 * <p>One field per line, in this order, after a version line:
 *
 * <pre>
 * visiona-signature-v1
 * &lt;direction label&gt;       e.g. api-server-&gt;remote-proxy
 * &lt;key id&gt;
 * &lt;created, epoch seconds&gt;
 * &lt;nonce&gt;
 * &lt;METHOD&gt;
 * &lt;raw path?raw query, as on the request line&gt;
 * &lt;Content-Digest value&gt;  sha-256=:…:
 * </pre>
 *
 * No field can contain a line break (ids and nonces are checked, the request target cannot carry
 * one), so two different requests never produce the same string.
 */
final class SignatureBase {

  static final String VERSION = "visiona-signature-v1";

  private SignatureBase() {}

  static String of(
      Direction direction,
      String keyId,
      long created,
      String nonce,
      String method,
      String pathAndQuery,
      String contentDigest) {
    for (String field : new String[] {method, pathAndQuery, contentDigest}) {
      if (field.indexOf('\n') >= 0 || field.indexOf('\r') >= 0) {
        throw new IllegalArgumentException("line break in a signed field");
      }
    }
    return String.join(
        "\n",
        VERSION,
        direction.label(),
        keyId,
        Long.toString(created),
        nonce,
        method,
        pathAndQuery,
        contentDigest);
  }

  /** base64url (no padding) of HMAC-SHA256 over {@code base} with {@code key}. */
  static String sign(SigningKey key, String base) {
    return key.macBase64Url(base);
  }

  static byte[] mac(SigningKey key, String base) {
    return key.mac(base);
  }
}
