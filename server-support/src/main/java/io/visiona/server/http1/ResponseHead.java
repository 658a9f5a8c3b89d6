package io.visiona.server.http1;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
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
   * @throws EOFException when the stream ends before the first byte
   */
  public static ResponseHead read(InputStream in, int maxBytes) throws IOException {
    return read(in, new Http1Lines.Budget(maxBytes));
  }

  /**
   * Reads heads until a final one: interim {@code 1xx} answers are skipped, except {@code 101
   * Switching Protocols}, which is final for an upgrade. The interim heads count against {@code
   * maxBytes} too, so a peer cannot keep the reader busy with an endless run of them.
   */
  public static ResponseHead readFinal(InputStream in, int maxBytes) throws IOException {
    Http1Lines.Budget budget = new Http1Lines.Budget(maxBytes);
    while (true) {
      ResponseHead head = read(in, budget);
      if (head.status() >= 200 || head.status() == 101) {
        return head;
      }
    }
  }

  private static ResponseHead read(InputStream in, Http1Lines.Budget budget) throws IOException {
    String statusLine = line(in, budget);
    if (statusLine == null) {
      throw new EOFException("the stream ended without a response");
    }
    int status = status(statusLine);
    String reason = statusLine.length() > 13 ? statusLine.substring(13) : "";
    if (!HttpHeader.validValue(reason)) {
      throw new MalformedHttpException("invalid reason phrase");
    }
    List<HttpHeader> headers = new ArrayList<>();
    while (true) {
      String line = line(in, budget);
      if (line == null) {
        throw new MalformedHttpException("message ended inside its headers");
      }
      if (line.isEmpty()) {
        return new ResponseHead(status, reason, headers);
      }
      headers.add(header(line));
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
   * The body length the head announces: empty for a chunked or until-close body. A {@code
   * Transfer-Encoding} overrides {@code Content-Length} (RFC 9112 §6.3).
   *
   * @throws MalformedHttpException for an invalid or ambiguous {@code Content-Length}
   */
  public Optional<Long> contentLength() throws MalformedHttpException {
    if (first("transfer-encoding").isPresent()) {
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

  /**
   * True when the body is sent with the chunked transfer coding: it is the last coding applied. A
   * body with other codings only is read until the stream ends.
   */
  public boolean chunked() {
    String last = null;
    for (HttpHeader h : headers) {
      if (h.name().equalsIgnoreCase("transfer-encoding")) {
        for (String part : h.value().split(",")) {
          if (!part.isBlank()) {
            last = part.trim();
          }
        }
      }
    }
    return last != null && last.equalsIgnoreCase("chunked");
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
    if (!line.startsWith("HTTP/1.")
        || line.length() < 12
        || line.charAt(7) < '0'
        || line.charAt(7) > '9'
        || line.charAt(8) != ' ') {
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

  /** A line of the head; ending inside it means the head was cut short, not a truncated body. */
  private static String line(InputStream in, Http1Lines.Budget budget) throws IOException {
    try {
      return Http1Lines.read(in, budget);
    } catch (EOFException e) {
      throw new MalformedHttpException("message ended inside a line");
    }
  }

  /**
   * One {@code name: value} line. Only spaces and tabs around the value are dropped: any other
   * control character (a bare CR, NUL) makes the line malformed.
   */
  static HttpHeader header(String line) throws MalformedHttpException {
    int colon = line.indexOf(':');
    String name = colon > 0 ? line.substring(0, colon) : "";
    String value = colon > 0 ? trimSpaces(line.substring(colon + 1)) : "";
    if (!HttpHeader.validName(name) || !HttpHeader.validValue(value)) {
      throw new MalformedHttpException("malformed header line");
    }
    return new HttpHeader(name, value);
  }

  private static String trimSpaces(String s) {
    int start = 0;
    int end = s.length();
    while (start < end && (s.charAt(start) == ' ' || s.charAt(start) == '\t')) {
      start++;
    }
    while (end > start && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\t')) {
      end--;
    }
    return s.substring(start, end);
  }
}
