package io.visiona.api.crypto;

import java.security.SecureRandom;
import java.util.Base64;

/** Unguessable identifiers from a CSPRNG, encoded base64url without padding. */
public final class RandomTokens {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private RandomTokens() {}

  /** {@code bytes} random bytes, base64url: 32 bytes give 256 bits in 43 characters. */
  public static String base64Url(int bytes) {
    return B64.encodeToString(bytes(bytes));
  }

  public static byte[] bytes(int count) {
    byte[] b = new byte[count];
    RANDOM.nextBytes(b);
    return b;
  }
}
