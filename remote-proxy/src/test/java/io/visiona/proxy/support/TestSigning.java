package io.visiona.proxy.support;

import io.visiona.server.signing.Direction;
import io.visiona.server.signing.KeyRing;
import io.visiona.server.signing.RequestSigner;
import io.visiona.server.signing.SignedHttpRequests;
import java.net.URI;
import java.time.Clock;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/** Test key rings and signers for the internal API (never used outside tests). */
public final class TestSigning {

  private TestSigning() {}

  public static String secret(int seed) {
    byte[] b = new byte[32];
    Arrays.fill(b, (byte) seed);
    b[0] = (byte) (seed * 31 + 7);
    return Base64.getEncoder().encodeToString(b);
  }

  /** The api-server→proxy ring the test proxy verifies with. */
  public static KeyRing apiToProxy() {
    return KeyRing.parse("api1:" + secret(1));
  }

  /** The other direction's ring: must never be accepted by the proxy. */
  public static KeyRing proxyToApi() {
    return KeyRing.parse("prx1:" + secret(2));
  }

  public static RequestSigner signer(Direction direction, KeyRing ring, Clock clock) {
    return new RequestSigner(direction, ring, clock);
  }

  public static SignedHttpRequests http(RequestSigner signer) {
    return new SignedHttpRequests(signer);
  }

  /** Signature headers for a WebSocket handshake (a GET without body) to {@code uri}. */
  public static Map<String, String> upgradeHeaders(RequestSigner signer, URI uri) {
    String target =
        uri.getRawQuery() == null ? uri.getRawPath() : uri.getRawPath() + "?" + uri.getRawQuery();
    return new HashMap<>(signer.sign("GET", target, new byte[0]).asMap());
  }
}
