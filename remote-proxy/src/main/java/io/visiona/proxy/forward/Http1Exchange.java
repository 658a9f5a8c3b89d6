package io.visiona.proxy.forward;

import io.visiona.server.http1.HttpHeader;
import io.visiona.server.http1.MalformedHttpException;
import io.visiona.server.http1.ResponseBodies;
import io.visiona.server.http1.ResponseHead;
import io.visiona.tunnel.Stream;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One HTTP/1.1 request and response over a fresh yamux stream (the agent splices the stream to the
 * box's local HTTP server). The request goes out with {@code Content-Length} and {@code Connection:
 * close}; the response is parsed by the shared HTTP/1 parser ({@link ResponseHead}, {@link
 * ResponseBodies}) within the size limits and one deadline for the whole exchange.
 */
final class Http1Exchange {

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

  private ForwardResponse readResponse(
      InputStream in, boolean headRequest, ForwardBudget.Lease lease)
      throws IOException, ForwardFailure {
    ResponseHead head;
    try {
      head = ResponseHead.readFinal(in, limits.maxResponseHead());
    } catch (EOFException e) {
      throw new ForwardFailure(
          ForwardFailure.INVALID, "device closed the stream without a response");
    } catch (MalformedHttpException e) {
      throw malformed(e);
    }
    if (head.status() == 101) {
      // The request asked for no upgrade (RFC 9110 §15.2.2 forbids this answer to it).
      throw new ForwardFailure(
          ForwardFailure.INVALID, "device switched protocols on a plain request");
    }
    ResponseBody body = readBody(head, in, headRequest, lease);
    List<HttpHeader> kept = new ArrayList<>();
    for (HttpHeader h : head.headers()) {
      if (!HttpHeader.hopByHop(h.name())) {
        kept.add(h);
      }
    }
    return new ForwardResponse(head.status(), kept, body);
  }

  /** The decoded body, held within the size limit and the memory budget. */
  private ResponseBody readBody(
      ResponseHead head, InputStream in, boolean headRequest, ForwardBudget.Lease lease)
      throws IOException, ForwardFailure {
    if (ResponseBodies.bodiless(head, headRequest)) {
      return ResponseBody.EMPTY;
    }
    try {
      InputStream decoded = ResponseBodies.open(head, in, headRequest, limits.maxResponseHead());
      ResponseBody body = new ResponseBody(lease);
      Long length = head.contentLength().orElse(null);
      if (length == null) {
        if (!body.appendUntilEnd(decoded, limits.maxResponseBody())) {
          throw tooLarge();
        }
      } else if (length > limits.maxResponseBody()) {
        throw tooLarge();
      } else if (!body.append(decoded, length)) {
        throw endedEarly();
      }
      return body;
    } catch (EOFException e) {
      throw endedEarly();
    } catch (MalformedHttpException e) {
      throw malformed(e);
    }
  }

  private static ForwardFailure malformed(MalformedHttpException e) {
    return new ForwardFailure(
        e.tooLarge() ? ForwardFailure.TOO_LARGE : ForwardFailure.INVALID,
        "device sent an invalid response: " + e.getMessage());
  }

  private static ForwardFailure endedEarly() {
    return new ForwardFailure(ForwardFailure.READ_FAILED, "response body ended early");
  }

  private ForwardFailure tooLarge() {
    return new ForwardFailure(
        ForwardFailure.TOO_LARGE, "response body over " + limits.maxResponseBody() + " bytes");
  }
}
