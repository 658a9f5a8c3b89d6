package io.visiona.tunnel;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * Which WebSocket client carries a tunnel: {@link #BLOCKING} ({@link BlockingWebSocketTransport},
 * the default) or {@link #JDK} ({@link WebSocketTransport} over {@code java.net.http}). See ADR
 * 0002 and BENCHMARKS.md for why the default is what it is.
 */
public enum WebSocketClient {
  /** Our RFC 6455 client on a blocking socket. */
  BLOCKING,
  /**
   * The JDK's {@code java.net.http.WebSocket}, on a client from {@link
   * WebSocketTransport#newHttpClient()}.
   */
  JDK;

  /** The default for edge agents and the api-server's relay link. */
  public static final WebSocketClient DEFAULT = BLOCKING;

  /** {@code blocking} or {@code jdk} (case ignored), as written in configuration. */
  public static WebSocketClient parse(String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown WebSocket client '" + name + "' (expected blocking or jdk)");
    }
  }

  /**
   * Opens a tunnel transport to {@code uri}. {@code jdkClient} is used by {@link #JDK} only and may
   * be null otherwise.
   *
   * @throws WebSocketUpgradeException the server answered the upgrade with a status other than 101
   *     (both clients report it so)
   */
  public Transport connect(
      HttpClient jdkClient,
      URI uri,
      Map<String, String> headers,
      Duration connectTimeout,
      Duration sendTimeout)
      throws IOException {
    if (this == BLOCKING) {
      return BlockingWebSocketTransport.connect(uri, headers, connectTimeout, sendTimeout);
    }
    try {
      return WebSocketTransport.connect(jdkClient, uri, headers, connectTimeout, sendTimeout);
    } catch (IOException e) {
      int status = handshakeStatus(e);
      if (status > 0) {
        throw new WebSocketUpgradeException(
            status, "WebSocket upgrade to " + uri + " answered with HTTP " + status);
      }
      throw e;
    }
  }

  /** The HTTP status of an upgrade the JDK client saw refused, or 0. */
  private static int handshakeStatus(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof WebSocketHandshakeException h) {
        return h.getResponse().statusCode();
      }
    }
    return 0;
  }
}
