package io.visiona.server.http1;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The status line and headers of an HTTP/1.x response read from a byte stream (a relay stream to a
 * box). Strict: a header name must be a token, a value may not hold control characters, folded
 * lines are refused; the whole head is bounded.
 *
 * @param status the status code, 100 to 599
 * @param reason the reason phrase, possibly empty
 * @param headers every header in order, hop-by-hop ones included
 */
public record ResponseHead(int status, String reason, List<HttpHeader> headers) {

  public ResponseHead {
    headers = List.copyOf(headers);
  }

  /**
   * Reads one head; an interim {@code 1xx} one too.
   *
   * @param maxBytes the most bytes the status line and headers may take together
   * @throws MalformedHttpException when it is not an HTTP/1.x response head, or too large
   * @throws java.io.EOFException when the stream ends before the first byte
   */
  public static ResponseHead read(InputStream in, int maxBytes) throws IOException {
    Http1Lines.Budget budget = new Http1Lines.Budget(maxBytes);
    String statusLine = Http1Lines.read(in, budget);
    if (statusLine == null) {
      throw new java.io.EOFException("the stream ended without a response");
    }
    int status = status(statusLine);
    String reason = statusLine.length() > 13 ? statusLine.substring(13) : "";
    return new ResponseHead(status, reason, headers(in, budget));
  }

  /**
   * Reads heads until a final one: interim {@code 1xx} answers are skipped, except {@code 101
   * Switching Protocols}, which is final for an upgrade.
   */
  public static ResponseHead readFinal(InputStream in, int maxBytes) throws IOException {
    while (true) {
      ResponseHead head = read(in, maxBytes);
      if (head.status() >= 200 || head.status() == 101) {
        return head;
      }
    }
  }

  /** The first value of a header, by case-insensitive name. */
  public Optional<String> first(String name) {
    for (HttpHeader h : headers) {
      if (h.name().equalsIgnoreCase(name)) {
        return Optional.of(h.value());
      }
    }
    return Optional.empty();
  }

  /** True when one of the comma-separated values of {@code name} is {@code token}. */
  public boolean hasToken(String name, String token) {
    for (HttpHeader h : headers) {
      if (h.name().equalsIgnoreCase(name)) {
        for (String part : h.value().split(",")) {
          if (part.trim().equalsIgnoreCase(token)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /**
   * The body length the head announces: empty for a chunked or until-close body.
   *
   * @throws MalformedHttpException for an invalid or ambiguous {@code Content-Length}
   */
  public Optional<Long> contentLength() throws MalformedHttpException {
    if (chunked()) {
      return Optional.empty();
    }
    Long length = null;
    for (HttpHeader h : headers) {
      if (h.name().equalsIgnoreCase("content-length")) {
        long n = parseLength(h.value());
        if (length != null && length != n) {
          throw new MalformedHttpException("conflicting Content-Length values");
        }
        length = n;
      }
    }
    return Optional.ofNullable(length);
  }

  /** True when the body is sent with the chunked transfer coding. */
  public boolean chunked() {
    for (HttpHeader h : headers) {
      if (h.name().equalsIgnoreCase("transfer-encoding")
          && h.value().toLowerCase(Locale.ROOT).contains("chunked")) {
        return true;
      }
    }
    return false;
  }

  private static long parseLength(String value) throws MalformedHttpException {
    String v = value.trim();
    if (v.isEmpty() || v.length() > 18 || !v.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new MalformedHttpException("invalid Content-Length");
    }
    return Long.parseLong(v);
  }

  private static int status(String line) throws MalformedHttpException {
    // HTTP/1.x SP 3DIGIT [SP reason]
    if (!line.startsWith("HTTP/1.") || line.length() < 12 || line.charAt(8) != ' ') {
      throw new MalformedHttpException("no HTTP/1.x status line");
    }
    int status = 0;
    for (int i = 9; i < 12; i++) {
      char c = line.charAt(i);
      if (c < '0' || c > '9') {
        throw new MalformedHttpException("invalid status code");
      }
      status = status * 10 + (c - '0');
    }
    if (status < 100 || status > 599 || (line.length() > 12 && line.charAt(12) != ' ')) {
      throw new MalformedHttpException("invalid status code");
    }
    return status;
  }

  static List<HttpHeader> headers(InputStream in, Http1Lines.Budget budget) throws IOException {
    List<HttpHeader> headers = new ArrayList<>();
    while (true) {
      String line = Http1Lines.read(in, budget);
      if (line == null) {
        throw new MalformedHttpException("message ended inside its headers");
      }
      if (line.isEmpty()) {
        return headers;
      }
      int colon = line.indexOf(':');
      String name = colon > 0 ? line.substring(0, colon) : "";
      String value = colon > 0 ? line.substring(colon + 1).strip() : "";
      if (!HttpHeader.validName(name) || !HttpHeader.validValue(value)) {
        throw new MalformedHttpException("malformed header line");
      }
      headers.add(new HttpHeader(name, value));
    }
  }
}
