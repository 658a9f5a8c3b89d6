package io.visiona.api.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM sealing under a key derived from a secret only the client holds (its session id), so
 * a copy of the database alone cannot open what is sealed. Output: base64url(iv || ciphertext).
 */
public final class Sealer {

  private static final int IV_BYTES = 12;
  private static final int TAG_BITS = 128;

  private Sealer() {}

  public static String seal(String secret, String purpose, String plaintext) {
    try {
      byte[] iv = RandomTokens.bytes(IV_BYTES);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key(secret, purpose), new GCMParameterSpec(TAG_BITS, iv));
      byte[] ct = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(ByteBuffer.allocate(iv.length + ct.length).put(iv).put(ct).array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM unavailable", e);
    }
  }

  /** The plaintext, or empty when {@code sealed} was not made with this secret and purpose. */
  public static Optional<String> open(String secret, String purpose, String sealed) {
    try {
      byte[] all = Base64.getUrlDecoder().decode(sealed);
      if (all.length <= IV_BYTES) {
        return Optional.empty();
      }
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(
          Cipher.DECRYPT_MODE,
          key(secret, purpose),
          new GCMParameterSpec(TAG_BITS, all, 0, IV_BYTES));
      byte[] pt = cipher.doFinal(all, IV_BYTES, all.length - IV_BYTES);
      return Optional.of(new String(pt, StandardCharsets.UTF_8));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static SecretKeySpec key(String secret, String purpose) {
    byte[] k =
        Hashes.hmacSha256(secret.getBytes(StandardCharsets.UTF_8), "visiona seal v1|" + purpose);
    return new SecretKeySpec(k, "AES");
  }
}
