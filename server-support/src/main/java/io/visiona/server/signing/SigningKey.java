package io.visiona.server.signing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * One HMAC-SHA256 key: its id, its secret and an optional instant after which it is retired.
 *
 * <p>{@link #toString()} never shows the secret, so a key can appear in log lines and exceptions.
 */
public final class SigningKey {

  /** 256 bits: the HMAC-SHA256 block of security ASVS v5 13.3.1 asks for. */
  public static final int MIN_KEY_BYTES = 32;

  static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private final String id;
  private final SecretKey secret;
  private final Instant notAfter;

  private SigningKey(String id, byte[] secret, Instant notAfter) {
    this.id = id;
    this.secret = new SecretKeySpec(secret, "HmacSHA256");
    this.notAfter = notAfter;
  }

  /**
   * A key valid until {@code notAfter} (inclusive), or forever when it is null.
   *
   * @throws IllegalArgumentException for an id outside {@code [A-Za-z0-9._-]{1,64}} or a secret
   *     shorter than 32 bytes; the message never contains the secret
   */
  public static SigningKey of(String id, byte[] secret, Instant notAfter) {
    Objects.requireNonNull(secret, "secret");
    if (id == null || !KEY_ID.matcher(id).matches()) {
      throw new IllegalArgumentException(
          "signing key id must match " + KEY_ID.pattern() + ", got '" + id + "'");
    }
    if (secret.length < MIN_KEY_BYTES) {
      throw new IllegalArgumentException(
          "signing key '"
              + id
              + "' is "
              + secret.length * 8
              + " bits; at least "
              + MIN_KEY_BYTES * 8
              + " are required");
    }
    return new SigningKey(id, secret.clone(), notAfter);
  }

  public String id() {
    return id;
  }

  public Optional<Instant> notAfter() {
    return Optional.ofNullable(notAfter);
  }

  /** True once {@code now} is past the key's not-after instant. */
  public boolean retiredAt(Instant now) {
    return notAfter != null && now.isAfter(notAfter);
  }

  SecretKey secret() {
    return secret;
  }

  /** base64url (no padding) of HMAC-SHA256 under this key over the UTF-8 bytes of {@code data}. */
  public String macBase64Url(String data) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(mac(data));
  }

  /** HMAC-SHA256 under this key over the UTF-8 bytes of {@code data}. */
  byte[] mac(String data) {
    try {
      // Mac instances are not thread-safe and cheap to create.
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(secret);
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  /** Whether {@code macBase64Url} is this key's MAC over {@code data}, in constant time. */
  public boolean verifiesBase64Url(String data, String macBase64Url) {
    return macBase64Url != null
        && MessageDigest.isEqual(
            macBase64Url(data).getBytes(StandardCharsets.US_ASCII),
            macBase64Url.getBytes(StandardCharsets.US_ASCII));
  }

  @Override
  public String toString() {
    return "SigningKey[id=" + id + ", secret=<redacted>, notAfter=" + notAfter + "]";
  }
}
