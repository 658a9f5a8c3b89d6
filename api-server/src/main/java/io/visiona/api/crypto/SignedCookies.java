package io.visiona.api.crypto;

import java.time.Instant;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Signs and verifies cookie values: {@code value.issuedAt.kid.mac}, where {@code mac} is
 * HMAC-SHA256 over the cookie name, the value, the issue time and the key id. Moving a value to
 * another cookie name, changing any part or signing with a retired key makes it invalid.
 */
public final class SignedCookies {

  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{1,256}");
  private static final int MAX_LENGTH = 1024;

  private final HmacKeyRing ring;

  public SignedCookies(HmacKeyRing ring) {
    this.ring = ring;
  }

  /** A verified cookie: its payload and when it was signed. */
  public record Verified(String value, Instant issuedAt) {}

  /** {@code value} must be base64url (no dots). */
  public String sign(String cookieName, String value, Instant issuedAt) {
    if (!TOKEN.matcher(value).matches()) {
      throw new IllegalArgumentException("cookie payload must be base64url");
    }
    String kid = ring.activeKid();
    long iat = issuedAt.getEpochSecond();
    return value + "." + iat + "." + kid + "." + ring.sign(macInput(cookieName, value, iat, kid));
  }

  public Optional<Verified> verify(String cookieName, String cookieValue) {
    if (cookieValue == null || cookieValue.length() > MAX_LENGTH) {
      return Optional.empty();
    }
    String[] parts = cookieValue.split("\\.", -1);
    if (parts.length != 4 || !TOKEN.matcher(parts[0]).matches()) {
      return Optional.empty();
    }
    long iat;
    try {
      iat = Long.parseLong(parts[1]);
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    if (!ring.verify(parts[2], macInput(cookieName, parts[0], iat, parts[2]), parts[3])) {
      return Optional.empty();
    }
    return Optional.of(new Verified(parts[0], Instant.ofEpochSecond(iat)));
  }

  private static String macInput(String name, String value, long iat, String kid) {
    return name + "|" + value + "|" + iat + "|" + kid;
  }
}
