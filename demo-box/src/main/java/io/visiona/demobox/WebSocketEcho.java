package io.visiona.demobox;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

/**
 * {@code GET /ws}: a WebSocket echo console. Text and binary frames come back as they were sent
 * (fragments included), pings are answered with pongs, a close with a close of the same code. A
 * broken protocol or an oversized frame ends it with 1002 or 1009; a connection silent for the idle
 * timeout is closed.
 */
final class WebSocketEcho implements Handler {

  private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

  private final int maxPayload;
  private final Duration idleTimeout;

  WebSocketEcho(int maxPayload, Duration idleTimeout) {
    this.maxPayload = maxPayload;
    this.idleTimeout = idleTimeout;
  }

  @Override
  public boolean serve(Exchange ex) throws IOException, HttpError {
    RequestHead head = ex.head();
    if (!head.hasToken("upgrade", "websocket") || !head.hasToken("connection", "upgrade")) {
      throw new HttpError(
          426,
          "UPGRADE_REQUIRED",
          "/ws is a WebSocket: send an upgrade request",
          List.of("Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Version: 13"));
    }
    if (!"13".equals(head.header("sec-websocket-version"))) {
      throw new HttpError(
          400,
          "BAD_REQUEST",
          "Sec-WebSocket-Version must be 13",
          List.of("Sec-WebSocket-Version: 13"));
    }
    String key = head.header("sec-websocket-key");
    if (key == null || !validKey(key)) {
      throw new HttpError(400, "BAD_REQUEST", "Sec-WebSocket-Key must be 16 bytes in base64");
    }
    Responses.head(
        ex.out(),
        101,
        "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: "
            + accept(key)
            + "\r\n");
    ex.out().flush();
    ex.socket().setSoTimeout((int) idleTimeout.toMillis());
    try {
      echo(ex);
    } catch (SocketTimeoutException idle) {
      close(ex, 1001, "idle");
    }
    return false;
  }

  private void echo(Exchange ex) throws IOException {
    boolean inMessage = false;
    while (true) {
      WebSocketFrames.Frame f;
      try {
        f = WebSocketFrames.read(ex.in(), maxPayload);
        if (!f.control()) {
          boolean continuation = f.opcode() == WebSocketFrames.CONTINUATION;
          if (continuation != inMessage) {
            throw new WebSocketFrames.ProtocolViolation(
                WebSocketFrames.PROTOCOL_ERROR, "fragments out of order");
          }
          inMessage = !f.fin();
        }
      } catch (WebSocketFrames.ProtocolViolation e) {
        close(ex, e.closeCode(), e.getMessage());
        return;
      }
      switch (f.opcode()) {
        case WebSocketFrames.PING ->
            WebSocketFrames.write(ex.out(), true, WebSocketFrames.PONG, f.payload());
        case WebSocketFrames.PONG -> {}
        case WebSocketFrames.CLOSE -> {
          answerClose(ex, f.payload());
          return;
        }
        default -> WebSocketFrames.write(ex.out(), f.fin(), f.opcode(), f.payload());
      }
    }
  }

  /** Echoes the peer's close code (none if it sent none); a one-byte payload is a violation. */
  private static void answerClose(Exchange ex, byte[] payload) throws IOException {
    byte[] answer =
        switch (payload.length) {
          case 0 -> payload;
          case 1 -> WebSocketFrames.closePayload(WebSocketFrames.PROTOCOL_ERROR, "one-byte close");
          default -> {
            int code = ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
            yield sendable(code)
                ? WebSocketFrames.closePayload(code, "bye")
                : WebSocketFrames.closePayload(WebSocketFrames.PROTOCOL_ERROR, "bad close code");
          }
        };
    WebSocketFrames.write(ex.out(), true, WebSocketFrames.CLOSE, answer);
  }

  /** Close codes a peer may send (RFC 6455 §7.4). */
  private static boolean sendable(int code) {
    return (code >= 1000 && code <= 1014 && code != 1004 && code != 1005 && code != 1006)
        || (code >= 3000 && code <= 4999);
  }

  private static void close(Exchange ex, int code, String reason) throws IOException {
    WebSocketFrames.write(
        ex.out(), true, WebSocketFrames.CLOSE, WebSocketFrames.closePayload(code, reason));
  }

  private static boolean validKey(String key) {
    try {
      return Base64.getDecoder().decode(key).length == 16;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  static String accept(String key) {
    try {
      byte[] sha1 =
          MessageDigest.getInstance("SHA-1")
              .digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
      return Base64.getEncoder().encodeToString(sha1);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is part of every JDK", e);
    }
  }
}
