package io.visiona.api.http;

import java.time.Duration;

/**
 * Builds {@code Set-Cookie} values. Cookies are {@code __Host-} prefixed, Secure, HttpOnly, Path=/
 * and have no Domain. The development switch {@code insecure} drops Secure and the prefix so a
 * browser keeps them on plain http from a host other than localhost; never use it in production.
 */
public final class CookieWriter {

  /** The SameSite attribute. */
  public enum SameSite {
    STRICT("Strict"),
    LAX("Lax");

    private final String text;

    SameSite(String text) {
      this.text = text;
    }
  }

  private final boolean insecure;

  public CookieWriter(boolean insecure) {
    this.insecure = insecure;
  }

  /** The real cookie name for a base name: {@code __Host-<base>} unless insecure. */
  public String name(String base) {
    return insecure ? base : "__Host-" + base;
  }

  /** A cookie; {@code maxAge} null makes it a browser-session cookie. */
  public String set(String name, String value, SameSite sameSite, Duration maxAge) {
    StringBuilder b = new StringBuilder(name).append('=').append(value).append("; Path=/");
    if (maxAge != null) {
      b.append("; Max-Age=").append(Math.max(0, maxAge.toSeconds()));
    }
    if (!insecure) {
      b.append("; Secure");
    }
    return b.append("; HttpOnly; SameSite=").append(sameSite.text).toString();
  }

  /** Removes a cookie set with {@link #set} (same attributes, so browsers accept it). */
  public String clear(String name, SameSite sameSite) {
    return set(name, "", sameSite, Duration.ZERO);
  }
}
