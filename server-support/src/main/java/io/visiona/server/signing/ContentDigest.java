package io.visiona.server.signing;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The {@code Content-Digest} header of RFC 9530 with SHA-256: {@code sha-256=:<base64>:}. An empty
 * body has the digest of zero bytes, so every signed request carries one.
 */
public final class ContentDigest {

  public static final String HEADER = "Content-Digest";

  private static final String PREFIX = "sha-256=:";

  private ContentDigest() {}

  /** The header value for {@code body}. */
  public static String of(byte[] body) {
    return PREFIX + Base64.getEncoder().encodeToString(sha256(body)) + ":";
  }

  /**
   * True when {@code header} is exactly the value {@link #of} gives for {@code body}. Only the
   * sha-256 form is accepted; anything else is a mismatch.
   */
  public static boolean matches(String header, byte[] body) {
    return MessageDigest.isEqual(
        header.strip().getBytes(StandardCharsets.US_ASCII),
        of(body).getBytes(StandardCharsets.US_ASCII));
  }

  static byte[] sha256(byte[] body) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(body);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
