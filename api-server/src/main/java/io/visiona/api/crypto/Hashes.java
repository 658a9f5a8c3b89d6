package io.visiona.api.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** SHA-256 and HMAC-SHA256 helpers; every secret stored at rest goes through {@link #sha256Hex}. */
public final class Hashes {

  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private Hashes() {}

  public static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  /** Hex SHA-256 of the UTF-8 bytes of {@code value}: how tokens and ids are stored. */
  public static String sha256Hex(String value) {
    return HexFormat.of().formatHex(sha256(value.getBytes(StandardCharsets.UTF_8)));
  }

  /** base64url SHA-256 of the ASCII bytes of {@code value} (PKCE S256, RFC 7636 §4.2). */
  public static String sha256Base64Url(String value) {
    return B64.encodeToString(sha256(value.getBytes(StandardCharsets.US_ASCII)));
  }

  public static byte[] hmacSha256(byte[] key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  public static String hmacSha256Base64Url(byte[] key, String data) {
    return B64.encodeToString(hmacSha256(key, data));
  }

  /** Constant-time comparison of two strings' UTF-8 bytes. */
  public static boolean constantTimeEquals(String a, String b) {
    if (a == null || b == null) {
      return false;
    }
    return MessageDigest.isEqual(
        a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }
}
