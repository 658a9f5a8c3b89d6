package io.visiona.demobox;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A parsed request line and headers. Header names are lower case; a name may have several values.
 *
 * @param target the request target as sent, e.g. {@code /api/status?x=1}
 */
record RequestHead(
    String method, String target, String version, Map<String, List<String>> headers) {

  /** The target without its query. */
  String path() {
    int q = target.indexOf('?');
    return q < 0 ? target : target.substring(0, q);
  }

  /** The first value of a header, or null. */
  String header(String name) {
    List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  /** Whether a comma-separated header (e.g. Connection) lists {@code token}, in any case. */
  boolean hasToken(String name, String token) {
    List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
    if (v == null) {
      return false;
    }
    for (String value : v) {
      for (String t : value.split(",")) {
        if (t.strip().equalsIgnoreCase(token)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Whether the connection may serve another request after this one. */
  boolean keepAlive() {
    if (hasToken("connection", "close")) {
      return false;
    }
    return "HTTP/1.1".equals(version) || hasToken("connection", "keep-alive");
  }

  /** Whether a body follows the head. */
  boolean hasBody() {
    String length = header("content-length");
    return headers.containsKey("transfer-encoding") || (length != null && !length.equals("0"));
  }
}
