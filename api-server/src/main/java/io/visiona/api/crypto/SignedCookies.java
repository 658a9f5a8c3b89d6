package io.visiona.api.crypto;

import io.visiona.server.signing.KeyRing;
import io.visiona.server.signing.SigningKey;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Signs and verifies cookie values: {@code value.issuedAt.kid.mac}, where {@code mac} is
 * HMAC-SHA256 over the cookie name, the value, the issue time and the key id. Moving a value to
 * another cookie name, changing any part or signing with an unknown or retired key makes it
 * invalid.
 *
 * <p>The keys come from a {@link KeyRing}: the first key not retired signs, every key not retired
 * verifies. A key id may contain dots; value, issue time and mac never do, so the key id is what
 * lies between the second and the last dot.
 */
public final class SignedCookies {

  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{1,256}");
  private static final int MAX_LENGTH = 1024;

  private final KeyRing ring;
  private final Clock clock;

  public SignedCookies(KeyRing ring, Clock clock) {
    this.ring = ring;
    this.clock = clock;
  }

  /** A verified cookie: its payload and when it was signed. */
  public record Verified(String value, Instant issuedAt) {}

  /** {@code value} must be base64url (no dots). */
  public String sign(String cookieName, String value, Instant issuedAt) {
    if (!TOKEN.matcher(value).matches()) {
      throw new IllegalArgumentException("cookie payload must be base64url");
    }
    SigningKey key = ring.current(clock.instant());
    long iat = issuedAt.getEpochSecond();
    String kid = key.id();
    return value
        + "."
        + iat
        + "."
        + kid
        + "."
        + key.macBase64Url(macInput(cookieName, value, iat, kid));
  }

  public Optional<Verified> verify(String cookieName, String cookieValue) {
    if (cookieValue == null || cookieValue.length() > MAX_LENGTH) {
      return Optional.empty();
    }
    int valueEnd = cookieValue.indexOf('.');
    int iatEnd = valueEnd < 0 ? -1 : cookieValue.indexOf('.', valueEnd + 1);
    int kidEnd = cookieValue.lastIndexOf('.');
    if (valueEnd < 0 || iatEnd < 0 || kidEnd <= iatEnd + 1) {
      return Optional.empty();
    }
    String value = cookieValue.substring(0, valueEnd);
    String kid = cookieValue.substring(iatEnd + 1, kidEnd);
    String mac = cookieValue.substring(kidEnd + 1);
    if (!TOKEN.matcher(value).matches()) {
      return Optional.empty();
    }
    long iat;
    try {
      iat = Long.parseLong(cookieValue.substring(valueEnd + 1, iatEnd));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    boolean valid =
        ring.find(kid)
            .filter(key -> !key.retiredAt(now))
            .map(key -> key.verifiesBase64Url(macInput(cookieName, value, iat, kid), mac))
            .orElse(false);
    return valid ? Optional.of(new Verified(value, Instant.ofEpochSecond(iat))) : Optional.empty();
  }

  private static String macInput(String name, String value, long iat, String kid) {
    return name + "|" + value + "|" + iat + "|" + kid;
  }
}
