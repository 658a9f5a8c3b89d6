package io.visiona.demobox;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads one HTTP/1.1 request head within a size and a time limit. The time limit is for the whole
 * head, not per read, so a peer that trickles bytes is cut off too.
 */
final class RequestHeadReader {

  private static final int MAX_HEADERS = 100;

  private final Socket socket;
  private final InputStream in;
  private final int maxBytes;
  private final Duration timeout;

  /** {@code in} must be buffered: the head is read a byte at a time. */
  RequestHeadReader(Socket socket, InputStream in, int maxBytes, Duration timeout) {
    this.socket = socket;
    this.in = in;
    this.maxBytes = maxBytes;
    this.timeout = timeout;
  }

  /**
   * The next request head, or null when the peer closed or stayed silent before sending one.
   *
   * @throws HttpError 400 for a malformed head, 408 when it did not arrive in time, 431 when too
   *     large, 505 for another HTTP version
   */
  RequestHead read() throws IOException, HttpError {
    long deadline = System.nanoTime() + timeout.toNanos();
    int[] used = {0};
    String requestLine = line(deadline, used, true);
    if (requestLine == null) {
      return null;
    }
    String[] parts = requestLine.split(" ", -1);
    if (parts.length != 3 || !token(parts[0]) || parts[1].isEmpty()) {
      throw bad("malformed request line");
    }
    if (!parts[2].equals("HTTP/1.1") && !parts[2].equals("HTTP/1.0")) {
      if (parts[2].startsWith("HTTP/")) {
        throw new HttpError(505, "HTTP_VERSION_NOT_SUPPORTED", "only HTTP/1.1 is served");
      }
      throw bad("malformed request line");
    }
    if (!parts[1].startsWith("/") || parts[1].chars().anyMatch(c -> c <= 0x20 || c >= 0x7f)) {
      throw bad("the request target must be a path");
    }
    Map<String, List<String>> headers = new LinkedHashMap<>();
    int count = 0;
    while (true) {
      String line = line(deadline, used, false);
      if (line.isEmpty()) {
        break;
      }
      if (++count > MAX_HEADERS) {
        throw new HttpError(431, "HEADERS_TOO_LARGE", "more than " + MAX_HEADERS + " headers");
      }
      int colon = line.indexOf(':');
      if (colon <= 0 || !token(line.substring(0, colon))) {
        throw bad("malformed header line");
      }
      String name = line.substring(0, colon).toLowerCase(Locale.ROOT);
      headers.computeIfAbsent(name, k -> new ArrayList<>()).add(line.substring(colon + 1).strip());
    }
    return new RequestHead(parts[0], parts[1], parts[2], headers);
  }

  /** One line without its CRLF (a bare LF is accepted too); null at a clean end if allowed. */
  private String line(long deadline, int[] used, boolean first) throws IOException, HttpError {
    ByteArrayOutputStream line = new ByteArrayOutputStream(128);
    while (true) {
      int b = next(deadline, first && line.size() == 0 && used[0] == 0);
      if (b < 0) {
        if (first && line.size() == 0 && used[0] == 0) {
          return null;
        }
        throw bad("the request head ended early");
      }
      if (++used[0] > maxBytes) {
        throw new HttpError(
            431, "HEADERS_TOO_LARGE", "the request head is larger than " + maxBytes + " bytes");
      }
      if (b == '\n') {
        byte[] bytes = line.toByteArray();
        int n =
            bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, n, StandardCharsets.ISO_8859_1);
      }
      if (b == 0) {
        throw bad("NUL in the request head");
      }
      line.write(b);
    }
  }

  /**
   * The next byte, waiting at most until the deadline; -1 at the end of input, and also when the
   * deadline passes on an {@code idle} connection (nothing of a head sent yet: it just ends).
   */
  private int next(long deadline, boolean idle) throws IOException, HttpError {
    if (in.available() == 0) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return timedOut(idle);
      }
      socket.setSoTimeout((int) Math.max(1, Duration.ofNanos(left).toMillis()));
    }
    try {
      return in.read();
    } catch (SocketTimeoutException e) {
      return timedOut(idle);
    }
  }

  private int timedOut(boolean idle) throws HttpError {
    if (idle) {
      return -1;
    }
    throw new HttpError(
        408,
        "REQUEST_TIMEOUT",
        "the request head did not arrive within " + timeout.toMillis() + " ms");
  }

  private static HttpError bad(String message) {
    return new HttpError(400, "BAD_REQUEST", message);
  }

  /** RFC 9110 token characters. */
  private static boolean token(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
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
}
