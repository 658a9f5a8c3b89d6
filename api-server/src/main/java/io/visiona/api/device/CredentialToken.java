package io.visiona.api.device;

import io.visiona.api.crypto.Hashes;
import io.visiona.api.crypto.RandomTokens;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A device credential as the box holds it: {@code vdc_<id>_<secret>}. The id (128 random bits, hex)
 * is public and names the credential in logs and lists; the secret (256 random bits, base64url) is
 * shown once and stored only as a SHA-256 hash.
 */
public record CredentialToken(String id, String secret) {

  public static final String PREFIX = "vdc_";
  private static final Pattern FORM = Pattern.compile("vdc_([0-9a-f]{32})_([A-Za-z0-9_-]{43})");

  public static CredentialToken generate() {
    return new CredentialToken(
        HexFormat.of().formatHex(RandomTokens.bytes(16)), RandomTokens.base64Url(32));
  }

  /** The token in {@code text}, or empty when it does not have the credential's form. */
  public static Optional<CredentialToken> parse(String text) {
    if (text == null || text.length() != PREFIX.length() + 32 + 1 + 43) {
      return Optional.empty();
    }
    var m = FORM.matcher(text);
    return m.matches()
        ? Optional.of(new CredentialToken(m.group(1), m.group(2)))
        : Optional.empty();
  }

  /** What the box sends as its bearer credential. */
  public String text() {
    return PREFIX + id + "_" + secret;
  }

  public String secretHash() {
    return Hashes.sha256Hex(secret);
  }

  /** Never the secret. */
  @Override
  public String toString() {
    return PREFIX + id + "_…";
  }
}
