package io.visiona.api.access;

import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.visiona.api.http.ApiRoutes;
import io.visiona.api.session.ActiveSession;
import io.visiona.server.errors.ApiError;
import io.visiona.server.errors.ErrorCode;
import io.visiona.server.http1.ChunkedOutputStream;
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
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * {@code /api/devices/{id}/agent/{path...}}, any method: the request is written as HTTP/1.1 onto a
 * relay stream to the person's box and the box's answer streamed back as it arrives (chunked
 * bodies, camera MJPEG, server-sent events, downloads), each read flushed to the browser at once.
 * Neither body is buffered beyond one copy buffer: a browser that stops reading stops the box
 * through the yamux windows. One request per relay stream.
 */
public final class DeviceHttpPassthrough {

  /** The methods device access routes. */
  public static final List<Method> METHODS =
      List.of(
          Method.GET,
          Method.HEAD,
          Method.POST,
          Method.PUT,
          Method.PATCH,
          Method.DELETE,
          Method.OPTIONS);

  private static final int COPY_BUFFER = 32 * 1024;

  private final DeviceAccess access;
  private final Function<ServerRequest, String> clientAddress;
  private final long maxRequestBody;

  /**
   * @param maxRequestBody {@code api.http.max-payload-size}: a body without a length is counted
   *     against it as it streams
   */
  public DeviceHttpPassthrough(
      DeviceAccess access, Function<ServerRequest, String> clientAddress, long maxRequestBody) {
    this.access = access;
    this.clientAddress = clientAddress;
    this.maxRequestBody = maxRequestBody;
  }

  public void register(ApiRoutes api) {
    for (Method m : METHODS) {
      api.sessionRoute(m, DeviceTarget.ROOT_ROUTE, this::handle)
          .sessionRoute(m, DeviceTarget.SUB_ROUTE, this::handle);
    }
  }

  private void handle(ActiveSession session, ServerRequest req, ServerResponse res) {
    // The box gets the raw target; the device is the one the router matched, and both agree.
    DeviceTarget target =
        DeviceTarget.of(req.path().rawPath(), rawQuery(req))
            .filter(t -> t.deviceId().equals(req.path().pathParameters().get("id")))
            .orElseThrow(() -> new ApiError(ErrorCode.NOT_FOUND, "no such API route"));
    DeviceAccessSettings settings = access.settings();
    DeviceAccess.Opened opened = access.open(session.user().id(), target.deviceId());
    boolean finished = false;
    try {
      Stream stream = opened.stream();
      sendRequest(req, target, stream, settings);
      InputStream in = new BufferedInputStream(stream.inputStream(), 8 * 1024);
      ResponseHead head = readHead(in, stream, settings);
      stream.setReadTimeout(settings.idleTimeout());
      boolean headRequest = req.prologue().method() == Method.HEAD;
      OptionalLong length = contentLength(head);
      res.status(Status.create(head.status()));
      BoxResponseHeaders.apply(head, res.headers(), settings.contentSecurityPolicy());
      if (ResponseBodies.bodiless(head, headRequest)) {
        res.send();
      } else {
        length.ifPresent(res::contentLength);
        relayBody(body(head, in, settings), res);
      }
      finished = true;
    } finally {
      if (finished) {
        opened.close();
      } else {
        opened.abort();
      }
    }
  }

  private static java.util.Optional<String> rawQuery(ServerRequest req) {
    String q = req.query().rawValue();
    return q == null || q.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(q);
  }

  private void sendRequest(
      ServerRequest req, DeviceTarget target, Stream stream, DeviceAccessSettings settings) {
    OptionalLong declared = req.headers().contentLength();
    BoxRequestHead.Framing framing =
        declared.isPresent()
            ? BoxRequestHead.Framing.LENGTH
            : req.content().hasEntity()
                ? BoxRequestHead.Framing.CHUNKED
                : BoxRequestHead.Framing.NONE;
    byte[] head =
        BoxRequestHead.encode(
            req.prologue().method().text(),
            target,
            req.headers(),
            forwarded(req, target),
            framing,
            declared.orElse(0));
    stream.setWriteTimeout(settings.responseTimeout());
    try {
      OutputStream out = stream.outputStream();
      out.write(head);
      switch (framing) {
        case LENGTH -> copyRequestBody(req, out);
        case CHUNKED -> {
          ChunkedOutputStream chunked = new ChunkedOutputStream(out);
          copyRequestBody(req, chunked);
          chunked.finish();
        }
        default -> {}
      }
      out.flush();
    } catch (SocketTimeoutException e) {
      throw new ApiError(ErrorCode.DEVICE_TIMEOUT, "the device did not take the request in time");
    } catch (IOException e) {
      throw new ApiError(
          ErrorCode.DEVICE_PROTOCOL_ERROR, "the device closed the connection: " + e.getMessage());
    }
  }

  /**
   * The browser's body onto the stream. Helidon's own refusals while reading it (a body over {@code
   * api.http.max-payload-size}) pass through as they are.
   */
  private void copyRequestBody(ServerRequest req, OutputStream out) throws IOException {
    byte[] buf = new byte[COPY_BUFFER];
    long total = 0;
    InputStream body = req.content().inputStream();
    while (true) {
      int n;
      try {
        n = body.read(buf);
      } catch (IOException e) {
        throw new CloseConnectionException("browser went away while sending the body", e);
      }
      if (n < 0) {
        return;
      }
      total += n;
      if (total > maxRequestBody) {
        // Before any answer: the stream is reset by the caller and the browser gets the 413.
        throw new ApiError(
            ErrorCode.BODY_TOO_LARGE, "request body over " + maxRequestBody + " bytes");
      }
      out.write(buf, 0, n);
    }
  }

  private BoxRequestHead.Forwarded forwarded(ServerRequest req, DeviceTarget target) {
    return new BoxRequestHead.Forwarded(
        clientAddress.apply(req),
        req.requestedUri().scheme(),
        req.requestedUri().authority(),
        target.prefix());
  }

  private static ResponseHead readHead(
      InputStream in, Stream stream, DeviceAccessSettings settings) {
    stream.setReadTimeout(settings.responseTimeout());
    try {
      ResponseHead head = ResponseHead.readFinal(in, settings.maxResponseHead());
      if (head.status() == 101) {
        throw new MalformedHttpException("101 Switching Protocols to a request without Upgrade");
      }
      return head;
    } catch (SocketTimeoutException e) {
      throw new ApiError(
          ErrorCode.DEVICE_TIMEOUT,
          "the device did not answer within " + settings.responseTimeout().toSeconds() + " s");
    } catch (MalformedHttpException e) {
      throw new ApiError(
          ErrorCode.DEVICE_PROTOCOL_ERROR,
          "the device's answer is not HTTP/1.1: " + e.getMessage());
    } catch (EOFException e) {
      throw new ApiError(
          ErrorCode.DEVICE_PROTOCOL_ERROR, "the device closed the connection without an answer");
    } catch (IOException e) {
      throw new ApiError(
          ErrorCode.DEVICE_PROTOCOL_ERROR, "reading the device's answer failed: " + e.getMessage());
    }
  }

  private static InputStream body(
      ResponseHead head, InputStream in, DeviceAccessSettings settings) {
    try {
      return ResponseBodies.open(head, in, false, settings.maxResponseHead());
    } catch (MalformedHttpException e) {
      throw new ApiError(
          ErrorCode.DEVICE_PROTOCOL_ERROR,
          "the device's answer is not HTTP/1.1: " + e.getMessage());
    }
  }

  private static OptionalLong contentLength(ResponseHead head) {
    try {
      return head.contentLength().map(OptionalLong::of).orElse(OptionalLong.empty());
    } catch (MalformedHttpException e) {
      throw new ApiError(
          ErrorCode.DEVICE_PROTOCOL_ERROR,
          "the device's answer is not HTTP/1.1: " + e.getMessage());
    }
  }

  /**
   * Streams the body, flushing every read. Once the head is out, a failure on either side can only
   * end the connection: the browser then sees a cut-off body, never a complete-looking one.
   */
  private static void relayBody(InputStream body, ServerResponse res) {
    byte[] buf = new byte[COPY_BUFFER];
    OutputStream out = res.outputStream();
    while (true) {
      int n;
      try {
        n = body.read(buf);
      } catch (IOException e) {
        throw new CloseConnectionException("device response failed: " + e.getMessage(), e);
      }
      if (n < 0) {
        break;
      }
      try {
        out.write(buf, 0, n);
        out.flush();
      } catch (IOException | RuntimeException e) {
        throw new CloseConnectionException("browser went away", e);
      }
    }
    try {
      out.close();
    } catch (IOException | RuntimeException e) {
      throw new CloseConnectionException("browser went away", e);
    }
  }
}
