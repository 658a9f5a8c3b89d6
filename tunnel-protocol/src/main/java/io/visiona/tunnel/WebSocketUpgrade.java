package io.visiona.tunnel;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The client side of the RFC 6455 opening handshake over a connected socket: a GET with the upgrade
 * headers and the caller's, then the server's answer checked (101, {@code Upgrade}, {@code
 * Connection}, {@code Sec-WebSocket-Accept}, no extension or subprotocol we did not ask for).
 */
final class WebSocketUpgrade {

  /** Longest answer head accepted (status line and headers). */
  static final int MAX_HEAD = 16 * 1024;

  private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Headers this class sets itself; a caller may not set them. */
  private static final Set<String> OWN_HEADERS =
      Set.of(
          "host",
          "upgrade",
          "connection",
          "sec-websocket-key",
          "sec-websocket-version",
          "sec-websocket-extensions",
          "sec-websocket-protocol",
          "content-length",
          "transfer-encoding");

  private WebSocketUpgrade() {}

  /**
   * Sends the upgrade request and reads the answer into {@code buf}. Bytes the server sent after
   * the answer head are the first frames: {@code buf} from {@link Head#framesStart} up to {@link
   * Head#filled}.
   *
   * @throws WebSocketUpgradeException if the server answered with a status other than 101
   */
  static Head perform(
      InputStream in, OutputStream out, URI uri, Map<String, String> headers, byte[] buf)
      throws IOException {
    byte[] nonce = new byte[16];
    RANDOM.nextBytes(nonce);
    String key = Base64.getEncoder().encodeToString(nonce);
    out.write(request(uri, headers, key).getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    Head head = readHead(in, buf);
    String statusLine = head.statusLine();
    int status = status(statusLine);
    if (status != 101) {
      throw new WebSocketUpgradeException(
          status, "WebSocket upgrade to " + uri + " answered with HTTP " + status);
    }
    Map<String, String> h = head.headers();
    require(
        "websocket".equalsIgnoreCase(h.getOrDefault("upgrade", "")), uri, "no Upgrade: websocket");
    require(hasToken(h.getOrDefault("connection", ""), "upgrade"), uri, "no Connection: Upgrade");
    require(
        accept(key).equals(h.getOrDefault("sec-websocket-accept", "")),
        uri,
        "wrong Sec-WebSocket-Accept");
    require(!h.containsKey("sec-websocket-extensions"), uri, "an extension nobody asked for");
    require(!h.containsKey("sec-websocket-protocol"), uri, "a subprotocol nobody asked for");
    return head;
  }

  /** The {@code Sec-WebSocket-Accept} a server must answer to {@code key}. */
  static String accept(String key) {
    try {
      return Base64.getEncoder()
          .encodeToString(
              MessageDigest.getInstance("SHA-1")
                  .digest((key + GUID).getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is required of every JDK", e);
    }
  }

  static String request(URI uri, Map<String, String> headers, String key) {
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    if (uri.getRawQuery() != null) {
      path += "?" + uri.getRawQuery();
    }
    StringBuilder r = new StringBuilder(256 + 64 * headers.size());
    r.append("GET ").append(path).append(" HTTP/1.1\r\n");
    r.append("Host: ").append(hostHeader(uri)).append("\r\n");
    r.append("Upgrade: websocket\r\nConnection: Upgrade\r\n");
    r.append("Sec-WebSocket-Key: ").append(key).append("\r\n");
    r.append("Sec-WebSocket-Version: 13\r\n");
    headers.forEach(
        (name, value) -> {
          if (!validName(name) || OWN_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("header not allowed: " + name);
          }
          if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("line break in the value of header " + name);
          }
          r.append(name).append(": ").append(value).append("\r\n");
        });
    return r.append("\r\n").toString();
  }

  private static String hostHeader(URI uri) {
    int port = uri.getPort();
    boolean secure = "wss".equalsIgnoreCase(uri.getScheme());
    boolean defaultPort = port == -1 || port == (secure ? 443 : 80);
    return defaultPort ? uri.getHost() : uri.getHost() + ":" + port;
  }

  private static boolean validName(String name) {
    if (name.isEmpty()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c <= ' ' || c >= 127 || c == ':') {
        return false;
      }
    }
    return true;
  }

  /** The answer head up to its empty line, at most {@link #MAX_HEAD} bytes. */
  private static Head readHead(InputStream in, byte[] buf) throws IOException {
    int lim = 0;
    int max = Math.min(buf.length, MAX_HEAD);
    while (true) {
      int end = headEnd(buf, lim);
      if (end >= 0) {
        return parse(buf, end, lim);
      }
      if (lim == max) {
        throw new IOException("WebSocket upgrade answer head longer than " + max + " bytes");
      }
      int n = in.read(buf, lim, max - lim);
      if (n < 0) {
        throw new EOFException("connection closed during the WebSocket upgrade");
      }
      lim += n;
    }
  }

  /** The index after the first CRLF CRLF in {@code buf[0, lim)}, or -1. */
  private static int headEnd(byte[] buf, int lim) {
    for (int i = 3; i < lim; i++) {
      if (buf[i] == '\n' && buf[i - 1] == '\r' && buf[i - 2] == '\n' && buf[i - 3] == '\r') {
        return i + 1;
      }
    }
    return -1;
  }

  private static Head parse(byte[] buf, int end, int lim) throws IOException {
    String[] lines = new String(buf, 0, end, StandardCharsets.ISO_8859_1).split("\r\n");
    Map<String, String> headers = new HashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon <= 0) {
        continue; // the trailing empty lines, or junk a lenient client skips
      }
      String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = lines[i].substring(colon + 1).trim();
      headers.merge(name, value, (a, b) -> a + ", " + b);
    }
    return new Head(lines[0], Map.copyOf(headers), end, lim);
  }

  private static int status(String statusLine) throws IOException {
    String[] parts = statusLine.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
      throw new IOException("not an HTTP answer to the WebSocket upgrade: " + shorten(statusLine));
    }
    try {
      return Integer.parseInt(parts[1]);
    } catch (NumberFormatException e) {
      throw new IOException(
          "bad status line in the WebSocket upgrade answer: " + shorten(statusLine));
    }
  }

  private static boolean hasToken(String value, String token) {
    for (String t : value.split(",")) {
      if (t.trim().equalsIgnoreCase(token)) {
        return true;
      }
    }
    return false;
  }

  private static void require(boolean ok, URI uri, String problem) throws IOException {
    if (!ok) {
      throw new IOException("WebSocket upgrade to " + uri + " refused: " + problem);
    }
  }

  private static String shorten(String s) {
    return s.length() <= 80 ? s : s.substring(0, 80) + "...";
  }

  /**
   * The answer head: its status line, headers (lower-case names), the index in the buffer where the
   * frames begin and how many bytes the buffer holds.
   */
  record Head(String statusLine, Map<String, String> headers, int framesStart, int filled) {}
}
