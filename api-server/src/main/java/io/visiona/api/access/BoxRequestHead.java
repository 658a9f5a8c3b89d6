package io.visiona.api.access;

import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.visiona.server.http1.HttpHeader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The request head the box receives over a relay stream: the browser's method and target, its
 * headers without the hop-by-hop ones and without anything that belongs to the api-server (the
 * session cookie, CSRF and origin headers, credentials), plus {@code X-Forwarded-*} set here (any
 * the browser sent are dropped). One request per stream: {@code Connection: close}.
 */
final class BoxRequestHead {

  /** Request headers the box never sees. */
  private static final Set<String> DROPPED =
      Set.of(
          "host",
          "cookie",
          "authorization",
          "proxy-authorization",
          "x-csrf",
          "origin",
          "referer",
          "forwarded",
          "x-real-ip");

  /** How the request's body is framed towards the box. */
  enum Framing {
    /** No body. */
    NONE,
    /** {@code Content-Length}. */
    LENGTH,
    /** A body of unknown length, sent chunked. */
    CHUNKED,
    /** A WebSocket upgrade: {@code Connection: Upgrade}, {@code Upgrade: websocket}. */
    WEBSOCKET
  }

  /** What the box is told about the original request. */
  record Forwarded(String clientAddress, String proto, String host, String prefix) {}

  private BoxRequestHead() {}

  static byte[] encode(
      String method,
      DeviceTarget target,
      Headers headers,
      Forwarded forwarded,
      Framing framing,
      long contentLength) {
    StringBuilder b = new StringBuilder(512);
    b.append(method).append(' ').append(target.boxTarget()).append(" HTTP/1.1\r\n");
    b.append("Host: localhost\r\n");
    Set<String> connectionListed =
        HttpHeader.connectionListed(headers.all(HeaderNames.CONNECTION, List::of));
    for (Header h : headers) {
      String name = h.name();
      if (!forwardable(name, connectionListed)) {
        continue;
      }
      for (String value : h.allValues()) {
        if (HttpHeader.validValue(value)) {
          b.append(name).append(": ").append(value).append("\r\n");
        }
      }
    }
    line(b, "X-Forwarded-For", forwarded.clientAddress());
    line(b, "X-Forwarded-Proto", forwarded.proto());
    line(b, "X-Forwarded-Host", forwarded.host());
    line(b, "X-Forwarded-Prefix", forwarded.prefix());
    switch (framing) {
      case NONE -> {}
      case LENGTH -> b.append("Content-Length: ").append(contentLength).append("\r\n");
      case CHUNKED -> b.append("Transfer-Encoding: chunked\r\n");
      case WEBSOCKET -> b.append("Upgrade: websocket\r\n");
    }
    b.append(framing == Framing.WEBSOCKET ? "Connection: Upgrade\r\n" : "Connection: close\r\n");
    b.append("\r\n");
    return b.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  private static void line(StringBuilder b, String name, String value) {
    if (value != null && !value.isEmpty() && HttpHeader.validValue(value)) {
      b.append(name).append(": ").append(value).append("\r\n");
    }
  }

  static boolean forwardable(String name, Set<String> connectionListed) {
    String n = name.toLowerCase(Locale.ROOT);
    return !HttpHeader.hopByHop(n)
        && !DROPPED.contains(n)
        && !connectionListed.contains(n)
        && !n.startsWith("x-forwarded-")
        && !n.startsWith("sec-fetch-")
        && !n.startsWith("visiona-")
        && HttpHeader.validName(name);
  }
}
