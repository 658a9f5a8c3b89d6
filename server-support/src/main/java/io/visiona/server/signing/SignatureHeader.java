package io.visiona.server.signing;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code Visiona-Signature} header: {@code keyid="k1",created=1735689600,nonce="…",sig="…"}.
 *
 * <p>Parsing is strict: exactly these four parameters, each once, in this order, no spaces, so
 * there is one spelling of every signature and nothing for a parser differential to exploit. {@code
 * nonce} is base64url of at least 16 random bytes; {@code sig} is base64url without padding of the
 * 32-byte HMAC.
 */
public record SignatureHeader(String keyId, long created, String nonce, String signature) {

  public static final String NAME = "Visiona-Signature";

  private static final Pattern FORMAT =
      Pattern.compile(
          "keyid=\"([A-Za-z0-9._-]{1,64})\","
              + "created=(0|[1-9][0-9]{0,17}),"
              + "nonce=\"([A-Za-z0-9_-]{22,86})\","
              + "sig=\"([A-Za-z0-9_-]{43})\"");

  /** The header value. */
  public String format() {
    return "keyid=\""
        + keyId
        + "\",created="
        + created
        + ",nonce=\""
        + nonce
        + "\",sig=\""
        + signature
        + "\"";
  }

  /** The parsed header, or empty when it does not have exactly the documented form. */
  public static Optional<SignatureHeader> parse(String value) {
    Matcher m = FORMAT.matcher(value.strip());
    if (!m.matches()) {
      return Optional.empty();
    }
    return Optional.of(
        new SignatureHeader(m.group(1), Long.parseLong(m.group(2)), m.group(3), m.group(4)));
  }
}
