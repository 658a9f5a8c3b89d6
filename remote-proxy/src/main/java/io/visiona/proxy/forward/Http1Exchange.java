package io.visiona.proxy.forward;

import io.visiona.server.http1.HttpHeader;
import io.visiona.tunnel.Stream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One HTTP/1.1 request and response over a fresh yamux stream (the agent splices the stream to the
 * box's local HTTP server). The request goes out with {@code Content-Length} and {@code Connection:
 * close}; the response body is read by {@code Content-Length}, chunked, or until end of stream,
 * within the size limits and one deadline for the whole exchange.
 */
final class Http1Exchange {

  /** Longest chunk-size line (size plus extensions). */
  private static final int CHUNK_LINE = 1024;

  private final ForwardSettings limits;

  Http1Exchange(ForwardSettings limits) {
    this.limits = limits;
  }

  ForwardResponse exchange(
      Stream stream, ForwardRequest request, ForwardBudget.Lease lease, long deadlineNanos)
      throws ForwardFailure {
    try {
      long left = deadlineNanos - System.nanoTime();
      if (left <= 0) {
        throw new ForwardFailure(ForwardFailure.TIMEOUT, "no time left to send the request");
      }
      stream.setWriteTimeout(Duration.ofNanos(left));
      OutputStream out = stream.outputStream();
      out.write(head(request));
      writeBody(request.body(), out);
    } catch (SocketTimeoutException e) {
      throw new ForwardFailure(ForwardFailure.TIMEOUT, "device did not take the request in time");
    } catch (IOException e) {
      throw new ForwardFailure(ForwardFailure.WRITE_FAILED, "writing the request failed: " + e);
    }
    InputStream in = new BufferedInputStream(new DeadlineInput(stream, deadlineNanos), 16 * 1024);
    try {
      return readResponse(in, request.method().equals("HEAD"), lease);
    } catch (SocketTimeoutException e) {
      throw new ForwardFailure(ForwardFailure.TIMEOUT, "device did not answer in time");
    } catch (IOException e) {
      throw new ForwardFailure(ForwardFailure.READ_FAILED, "reading the response failed: " + e);
    }
  }

  /** Decodes the body from the request JSON straight into the stream. */
  private static void writeBody(ForwardRequest.Body body, OutputStream out) throws IOException {
    if (body.length() == 0) {
      return;
    }
    long written;
    try (InputStream in = body.decoded().open()) {
      written = in.transferTo(out);
    }
    if (written != body.length()) {
      throw new IOException("decoded body has " + written + " bytes, not " + body.length());
    }
  }

  static byte[] head(ForwardRequest r) {
    StringBuilder b = new StringBuilder(256);
    b.append(r.method()).append(' ').append(r.path()).append(" HTTP/1.1\r\n");
    boolean host = false;
    for (HttpHeader h : r.headers()) {
      host |= h.name().equalsIgnoreCase("host");
      b.append(h.name()).append(": ").append(h.value()).append("\r\n");
    }
    if (!host) {
      b.append("Host: localhost\r\n");
    }
    boolean bodyMethod =
        switch (r.method()) {
          case "POST", "PUT", "PATCH" -> true;
          default -> false;
        };
    if (r.body().length() > 0 || bodyMethod) {
      b.append("Content-Length: ").append(r.body().length()).append("\r\n");
    }
    b.append("Connection: close\r\n\r\n");
    return b.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  private ForwardResponse readResponse(InputStream in, boolean head, ForwardBudget.Lease lease)
      throws IOException, ForwardFailure {
    int[] budget = {limits.maxResponseHead()};
    int status;
    List<HttpHeader> headers;
    do {
      String statusLine = line(in, budget);
      if (statusLine == null) {
        throw new ForwardFailure(
            ForwardFailure.INVALID, "device closed the stream without a response");
      }
      status = status(statusLine);
      headers = headers(in, budget);
    } while (status >= 100 && status < 200); // interim responses are skipped
    String transferEncoding = value(headers, "transfer-encoding");
    String contentLength = value(headers, "content-length");
    ResponseBody body;
    if (head || status == 204 || status == 304) {
      body = ResponseBody.EMPTY;
    } else if (transferEncoding != null
        && transferEncoding.toLowerCase(Locale.ROOT).contains("chunked")) {
      body = chunked(in, new ResponseBody(lease));
    } else if (contentLength != null) {
      body = fixed(in, contentLength, new ResponseBody(lease));
    } else {
      body = untilEnd(in, new ResponseBody(lease));
    }
    List<HttpHeader> kept = new ArrayList<>();
    for (HttpHeader h : headers) {
      if (!HttpHeader.hopByHop(h.name())) {
        kept.add(h);
      }
    }
    return new ForwardResponse(status, kept, body);
  }

  private static int status(String line) throws ForwardFailure {
    // HTTP/1.x SP 3DIGIT [SP reason]
    if (!line.startsWith("HTTP/1.") || line.length() < 12 || line.charAt(8) != ' ') {
      throw new ForwardFailure(ForwardFailure.INVALID, "device sent no HTTP/1.x status line");
    }
    try {
      int status = Integer.parseInt(line.substring(9, 12));
      if (status < 100 || status > 599) {
        throw new NumberFormatException();
      }
      return status;
    } catch (NumberFormatException e) {
      throw new ForwardFailure(ForwardFailure.INVALID, "device sent an invalid status code");
    }
  }

  private static List<HttpHeader> headers(InputStream in, int[] budget)
      throws IOException, ForwardFailure {
    List<HttpHeader> headers = new ArrayList<>();
    while (true) {
      String line = line(in, budget);
      if (line == null) {
        throw new ForwardFailure(ForwardFailure.INVALID, "response ended inside its headers");
      }
      if (line.isEmpty()) {
        return headers;
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw new ForwardFailure(ForwardFailure.INVALID, "malformed response header");
      }
      headers.add(
          new HttpHeader(line.substring(0, colon).trim(), line.substring(colon + 1).trim()));
    }
  }

  private static String value(List<HttpHeader> headers, String name) {
    for (HttpHeader h : headers) {
      if (h.name().equalsIgnoreCase(name)) {
        return h.value();
      }
    }
    return null;
  }

  /** A line without its CRLF (or LF); null at end of stream before any byte. */
  private static String line(InputStream in, int[] budget) throws IOException, ForwardFailure {
    StringBuilder b = new StringBuilder(64);
    while (true) {
      int c = in.read();
      if (c < 0) {
        if (b.isEmpty()) {
          return null;
        }
        throw new ForwardFailure(ForwardFailure.INVALID, "response ended inside a line");
      }
      if (--budget[0] < 0) {
        throw new ForwardFailure(ForwardFailure.TOO_LARGE, "response head too large");
      }
      if (c == '\n') {
        int n = b.length();
        if (n > 0 && b.charAt(n - 1) == '\r') {
          b.setLength(n - 1);
        }
        return b.toString();
      }
      b.append((char) c);
    }
  }

  private ForwardFailure tooLarge() {
    return new ForwardFailure(
        ForwardFailure.TOO_LARGE, "response body over " + limits.maxResponseBody() + " bytes");
  }

  private ResponseBody fixed(InputStream in, String contentLength, ResponseBody body)
      throws IOException, ForwardFailure {
    long n;
    try {
      n = Long.parseLong(contentLength.trim());
    } catch (NumberFormatException e) {
      throw new ForwardFailure(ForwardFailure.INVALID, "invalid Content-Length");
    }
    if (n < 0) {
      throw new ForwardFailure(ForwardFailure.INVALID, "invalid Content-Length");
    }
    if (n > limits.maxResponseBody()) {
      throw tooLarge();
    }
    if (!body.append(in, n, true)) {
      throw new ForwardFailure(ForwardFailure.READ_FAILED, "response body ended early");
    }
    return body;
  }

  private ResponseBody untilEnd(InputStream in, ResponseBody body)
      throws IOException, ForwardFailure {
    if (!body.appendUntilEnd(in, limits.maxResponseBody())) {
      throw tooLarge();
    }
    return body;
  }

  private ResponseBody chunked(InputStream in, ResponseBody body)
      throws IOException, ForwardFailure {
    while (true) {
      String sizeLine = line(in, new int[] {CHUNK_LINE});
      if (sizeLine == null) {
        throw new ForwardFailure(ForwardFailure.READ_FAILED, "chunked body ended early");
      }
      int semicolon = sizeLine.indexOf(';');
      String hex = (semicolon >= 0 ? sizeLine.substring(0, semicolon) : sizeLine).trim();
      long size;
      try {
        size = Long.parseLong(hex, 16);
      } catch (NumberFormatException e) {
        throw new ForwardFailure(ForwardFailure.INVALID, "invalid chunk size");
      }
      if (size < 0 || body.length() + size > limits.maxResponseBody()) {
        throw tooLarge();
      }
      if (size == 0) {
        headers(in, new int[] {limits.maxResponseHead()}); // trailers, dropped
        return body;
      }
      if (!body.append(in, size, false)) {
        throw new ForwardFailure(ForwardFailure.READ_FAILED, "chunked body ended early");
      }
      String crlf = line(in, new int[] {CHUNK_LINE});
      if (crlf == null || !crlf.isEmpty()) {
        throw new ForwardFailure(ForwardFailure.INVALID, "chunk not followed by CRLF");
      }
    }
  }
}
