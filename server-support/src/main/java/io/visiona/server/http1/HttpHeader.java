package io.visiona.server.http1;

import java.util.Locale;
import java.util.Set;

/** One HTTP/1.1 header line, and the rules every hop between a browser and a box applies to it. */
public record HttpHeader(String name, String value) {

  /** Connection-level headers: never forwarded in either direction. */
  private static final Set<String> HOP_BY_HOP =
      Set.of(
          "connection",
          "keep-alive",
          "proxy-connection",
          "transfer-encoding",
          "te",
          "trailer",
          "upgrade",
          "content-length");

  public static boolean hopByHop(String name) {
    return HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT));
  }

  /**
   * The header names a message's {@code Connection} values list (lower case): hop-by-hop for this
   * message too (RFC 9110 §7.6.1).
   */
  public static Set<String> connectionListed(Iterable<String> connectionValues) {
    Set<String> names = new java.util.HashSet<>();
    for (String v : connectionValues) {
      for (String token : v.split(",")) {
        String t = token.trim().toLowerCase(Locale.ROOT);
        if (!t.isEmpty()) {
          names.add(t);
        }
      }
    }
    return names;
  }

  /** RFC 9110 token characters. */
  public static boolean validName(String name) {
    if (name.isEmpty() || name.length() > 256) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** Visible ASCII, space and tab only: no CR, LF or NUL that could split the request. */
  public static boolean validValue(String value) {
    if (value.length() > 8192) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if ((c < 0x20 && c != '\t') || c == 0x7f || c > 0xff) {
        return false;
      }
    }
    return true;
  }
}
