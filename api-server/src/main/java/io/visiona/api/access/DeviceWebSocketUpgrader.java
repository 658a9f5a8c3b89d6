package io.visiona.api.access;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.http.Header;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpPrologue;
import io.helidon.http.Method;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.helidon.http.WritableHeaders;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.spi.Http1Upgrader;
import io.helidon.webserver.spi.ServerConnection;
import io.visiona.api.http.SameOrigin;
import io.visiona.api.http.SessionAuthenticator;
import io.visiona.api.session.ActiveSession;
import io.visiona.server.errors.ApiError;
import io.visiona.server.errors.ErrorCode;
import io.visiona.server.errors.ErrorEnvelope;
import io.visiona.server.http1.ResponseBodies;
import io.visiona.server.http1.ResponseHead;
import io.visiona.server.limits.ClientAddress;
import io.visiona.tunnel.Stream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * WebSocket passthrough: {@code GET /api/devices/{id}/agent/{path...}} with {@code Upgrade:
 * websocket}. Helidon hands upgrades to this before HTTP routing and its filters, so every check of
 * the HTTP route happens here, before anything is answered: a session, a same-origin {@code Origin}
 * (no CORS protects a WebSocket: a cross-site page could otherwise open one with the person's
 * cookie), the owner check and the stream limits. Then the handshake goes to the box; its {@code
 * 101} is passed back and the connection spliced onto the relay stream ({@link WebSocketSplice}). A
 * box that answers anything else gets its status through.
 */
public final class DeviceWebSocketUpgrader implements Http1Upgrader {

  private static final HeaderName SEC_WEBSOCKET_KEY = HeaderNames.create("Sec-WebSocket-Key");

  /** Largest refusal body of the box passed through. */
  private static final int MAX_REFUSAL_BODY = 64 * 1024;

  private final DeviceAccess access;
  private final SessionAuthenticator sessions;
  private final ClientAddress clients;
  private final String protocol;

  private DeviceWebSocketUpgrader(
      DeviceAccess access, SessionAuthenticator sessions, ClientAddress clients, String protocol) {
    this.access = access;
    this.sessions = sessions;
    this.clients = clients;
    this.protocol = protocol;
  }

  /**
   * One upgrader per spelling of the {@code Upgrade} value: Helidon looks them up by the exact
   * header value.
   */
  public static List<Http1Upgrader> create(
      DeviceAccess access, SessionAuthenticator sessions, ClientAddress clients) {
    return List.of(
        new DeviceWebSocketUpgrader(access, sessions, clients, "websocket"),
        new DeviceWebSocketUpgrader(access, sessions, clients, "WebSocket"));
  }

  @Override
  public String supportedProtocol() {
    return protocol;
  }

  @Override
  public ServerConnection upgrade(
      ConnectionContext ctx, HttpPrologue prologue, WritableHeaders<?> headers) {
    Optional<DeviceTarget> maybeTarget;
    try {
      maybeTarget =
          DeviceTarget.of(prologue.uriPath().rawPath(), Optional.of(prologue.query().rawValue()));
    } catch (ApiError e) {
      throw refusal(e);
    }
    if (maybeTarget.isEmpty()) {
      return null; // not device access: HTTP routing answers
    }
    DeviceTarget target = maybeTarget.get();
    // No router runs for an upgrade: the normalized, decoded path must name the same device.
    if (!DeviceTarget.routedDevice(prologue.uriPath().path())
        .filter(target.deviceId()::equals)
        .isPresent()) {
      throw refusal(new ApiError(ErrorCode.INVALID_DEVICE_PATH, "ambiguous device path"));
    }
    ActiveSession session =
        sessions.authenticate(headers).orElseThrow(() -> refusal(ApiError.unauthenticated()));
    if (!SameOrigin.check(headers, true)) {
      throw ErrorEnvelope.refusal(
          ErrorCode.CSRF_CROSS_ORIGIN, "WebSocket connections must come from this origin");
    }
    if (prologue.method() != Method.GET || !headers.contains(SEC_WEBSOCKET_KEY)) {
      throw ErrorEnvelope.refusal(ErrorCode.BAD_REQUEST, "not a WebSocket handshake");
    }
    DeviceAccess.Opened opened;
    try {
      opened = access.open(session.user().id(), target.deviceId());
    } catch (ApiError e) {
      throw refusal(e);
    }
    try {
      ServerConnection connection = handshake(ctx, prologue, headers, target, opened);
      if (connection != null) {
        return connection;
      }
      opened.close();
      return new Finished();
    } catch (ApiError e) {
      opened.abort();
      throw refusal(e);
    } catch (IOException | RuntimeException e) {
      opened.abort();
      throw refusal(
          new ApiError(
              ErrorCode.DEVICE_PROTOCOL_ERROR, "WebSocket handshake with the device failed"));
    }
  }

  /** The box's answer to the handshake: a splice for a 101, else null once it was passed on. */
  private ServerConnection handshake(
      ConnectionContext ctx,
      HttpPrologue prologue,
      WritableHeaders<?> headers,
      DeviceTarget target,
      DeviceAccess.Opened opened)
      throws IOException {
    DeviceAccessSettings settings = access.settings();
    Stream stream = opened.stream();
    stream.setWriteTimeout(settings.responseTimeout());
    try {
      OutputStream out = stream.outputStream();
      out.write(
          BoxRequestHead.encode(
              "GET",
              target,
              headers,
              forwarded(ctx, headers, target),
              BoxRequestHead.Framing.WEBSOCKET,
              0));
      out.flush();
    } catch (SocketTimeoutException e) {
      throw new ApiError(ErrorCode.DEVICE_TIMEOUT, "the device did not take the handshake in time");
    }
    InputStream in = new BufferedInputStream(stream.inputStream(), 8 * 1024);
    stream.setReadTimeout(settings.responseTimeout());
    ResponseHead head;
    try {
      head = ResponseHead.readFinal(in, settings.maxResponseHead());
    } catch (SocketTimeoutException e) {
      throw new ApiError(ErrorCode.DEVICE_TIMEOUT, "the device did not answer the handshake");
    } catch (IOException e) {
      throw new ApiError(
          ErrorCode.DEVICE_PROTOCOL_ERROR, "the device's handshake answer is not HTTP/1.1");
    }
    if (head.status() == 101) {
      if (!head.hasToken("upgrade", "websocket")) {
        throw new ApiError(
            ErrorCode.DEVICE_PROTOCOL_ERROR, "the device switched to another protocol");
      }
      stream.setReadTimeout(Duration.ZERO);
      stream.setWriteTimeout(settings.idleTimeout());
      ctx.dataWriter().writeNow(BufferData.create(switching(head)));
      return new WebSocketSplice(ctx, opened, in, settings.idleTimeout());
    }
    ctx.dataWriter().writeNow(BufferData.create(refused(head, in, settings)));
    return null;
  }

  private BoxRequestHead.Forwarded forwarded(
      ConnectionContext ctx, WritableHeaders<?> headers, DeviceTarget target) {
    InetAddress peer =
        ctx.remotePeer().address() instanceof InetSocketAddress a
            ? a.getAddress()
            : InetAddress.getLoopbackAddress();
    List<String> forwardedFor = headers.all(HeaderNames.X_FORWARDED_FOR, List::of);
    return new BoxRequestHead.Forwarded(
        clients.resolve(peer, forwardedFor).getHostAddress(),
        ctx.isSecure() ? "https" : "http",
        headers.first(HeaderNames.HOST).orElse(""),
        target.prefix());
  }

  /** The 101 for the browser: the box's WebSocket headers, nothing else of its. */
  private static byte[] switching(ResponseHead head) {
    StringBuilder b = new StringBuilder("HTTP/1.1 101 Switching Protocols\r\n");
    b.append("Upgrade: websocket\r\nConnection: Upgrade\r\n");
    head.headers().stream()
        .filter(h -> h.name().toLowerCase(java.util.Locale.ROOT).startsWith("sec-websocket-"))
        .forEach(h -> b.append(h.name()).append(": ").append(h.value()).append("\r\n"));
    return b.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  /** The box's refusal, with the response policy and at most a small body; the connection ends. */
  private static byte[] refused(ResponseHead head, InputStream in, DeviceAccessSettings settings)
      throws IOException {
    byte[] body = new byte[0];
    Optional<Long> length = head.contentLength();
    if (!ResponseBodies.bodiless(head, false)
        && length.isPresent()
        && length.get() <= MAX_REFUSAL_BODY) {
      body = ResponseBodies.open(head, in, false, settings.maxResponseHead()).readAllBytes();
    }
    ServerResponseHeaders out = ServerResponseHeaders.create();
    BoxResponseHeaders.apply(head, out, settings.contentSecurityPolicy());
    Status status = Status.create(head.status());
    StringBuilder b =
        new StringBuilder("HTTP/1.1 ")
            .append(status.code())
            .append(' ')
            .append(status.reasonPhrase());
    b.append("\r\n");
    for (Header h : out) {
      for (String v : h.allValues()) {
        b.append(h.name()).append(": ").append(v).append("\r\n");
      }
    }
    b.append("Content-Length: ").append(body.length).append("\r\nConnection: close\r\n\r\n");
    byte[] headBytes = b.toString().getBytes(StandardCharsets.ISO_8859_1);
    byte[] all = new byte[headBytes.length + body.length];
    System.arraycopy(headBytes, 0, all, 0, headBytes.length);
    System.arraycopy(body, 0, all, headBytes.length, body.length);
    return all;
  }

  private static RuntimeException refusal(ApiError e) {
    return ErrorEnvelope.refusal(e.errorCode(), e.getMessage());
  }

  /** A connection whose answer was written: returning from handle closes it. */
  private static final class Finished implements ServerConnection {
    @Override
    public void handle(Limit limit) {}

    @Override
    public Duration idleTime() {
      return Duration.ZERO;
    }

    @Override
    public void close(boolean interrupt) {}
  }
}
