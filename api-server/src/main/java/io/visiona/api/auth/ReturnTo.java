package io.visiona.api.auth;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;

/**
 * Where to send the browser after login: a local path only (RFC 9700 §4.11.1). Accepted: starts
 * with a single {@code /}, printable ASCII, no backslash, at most 2048 characters. Rejected, among
 * others: {@code //evil}, {@code /\evil}, {@code /\t/evil}, {@code / /evil}, {@code /./\evil},
 * {@code evil.com/x}, {@code http://evil}. It must also be a URI that {@link URI} accepts, the
 * parser that builds the callback's {@code Location}: {@code /a|b} or {@code /%zz} are refused
 * here, at login, and never reach the callback.
 */
public final class ReturnTo {

  static final int MAX_LENGTH = 2048;

  private ReturnTo() {}

  public static Optional<String> validate(String candidate) {
    if (candidate == null
        || candidate.isEmpty()
        || candidate.length() > MAX_LENGTH
        || candidate.charAt(0) != '/') {
      return Optional.empty();
    }
    if (candidate.length() > 1 && (candidate.charAt(1) == '/' || candidate.charAt(1) == '\\')) {
      return Optional.empty();
    }
    for (int i = 0; i < candidate.length(); i++) {
      char c = candidate.charAt(i);
      if (c <= 0x20 || c >= 0x7f || c == '\\') {
        return Optional.empty();
      }
    }
    try {
      new URI(candidate);
    } catch (URISyntaxException e) {
      return Optional.empty();
    }
    return Optional.of(candidate);
  }

  /** The {@code Location} of the callback's redirect, for a value {@link #validate} accepted. */
  public static URI location(String validated) {
    return URI.create(validated);
  }
}
