package io.visiona.demobox;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Writes response heads and whole small responses. Every answer is {@code no-store, nosniff}. */
final class Responses {

  private Responses() {}

  /** A complete response with a {@code Content-Length} body. */
  static void send(
      OutputStream out,
      int status,
      String contentType,
      byte[] body,
      boolean close,
      List<String> extraHeaders)
      throws IOException {
    StringBuilder h = new StringBuilder();
    h.append("Content-Type: ").append(contentType).append("\r\n");
    h.append("Content-Length: ").append(body.length).append("\r\n");
    if (close) {
      h.append("Connection: close\r\n");
    }
    extraHeaders.forEach(x -> h.append(x).append("\r\n"));
    head(out, status, h.toString());
    out.write(body);
    out.flush();
  }

  /** A JSON answer that keeps the connection as the request asked. */
  static void json(OutputStream out, String json, boolean close) throws IOException {
    send(out, 200, "application/json", json.getBytes(StandardCharsets.UTF_8), close, List.of());
  }

  /** The error envelope; the connection is closed after it (a refused request's body is unread). */
  static void error(OutputStream out, HttpError e) throws IOException {
    send(
        out,
        e.status(),
        "application/json",
        Json.error(e.code(), e.getMessage()).getBytes(StandardCharsets.UTF_8),
        true,
        e.headers());
  }

  /**
   * The head of an endless response: no length, the body ends when the connection does. Flushed, so
   * the client sees the head before the first part.
   */
  static void streamHead(OutputStream out, String contentType) throws IOException {
    head(out, 200, "Content-Type: " + contentType + "\r\nConnection: close\r\n");
    out.flush();
  }

  /** Status line, {@code headers} (each ending in CRLF), the common headers and the blank line. */
  static void head(OutputStream out, int status, String headers) throws IOException {
    String head =
        "HTTP/1.1 "
            + status
            + " "
            + reason(status)
            + "\r\n"
            + headers
            + "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n\r\n";
    out.write(head.getBytes(StandardCharsets.ISO_8859_1));
  }

  static String reason(int status) {
    return switch (status) {
      case 101 -> "Switching Protocols";
      case 200 -> "OK";
      case 400 -> "Bad Request";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 408 -> "Request Timeout";
      case 426 -> "Upgrade Required";
      case 431 -> "Request Header Fields Too Large";
      case 503 -> "Service Unavailable";
      case 505 -> "HTTP Version Not Supported";
      default -> "Status";
    };
  }
}
