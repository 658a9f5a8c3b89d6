package io.visiona.proxy.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/** Parsing and hashing of device credentials; the raw credential is never logged or stored. */
public final class Credentials {

  /** Longer Authorization values are refused without being looked at. */
  public static final int MAX_LENGTH = 4096;

  private static final String BEARER = "bearer ";

  private Credentials() {}

  /** The token of {@code Authorization: Bearer <token>}, if well formed. */
  public static Optional<String> bearer(String authorization) {
    if (authorization == null
        || authorization.length() > MAX_LENGTH
        || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return Optional.empty();
    }
    String token = authorization.substring(BEARER.length()).trim();
    if (token.isEmpty() || !token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      return Optional.empty();
    }
    return Optional.of(token);
  }

  /** SHA-256 of the credential, hex: the form used as a cache key. */
  public static String hash(String credential) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256")
                  .digest(credential.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A short, non-reversible tag for logs. */
  public static String fingerprint(String credential) {
    return hash(credential).substring(0, 8);
  }
}
