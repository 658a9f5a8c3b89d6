package io.visiona.tunnel;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * yamux over the JDK's {@link java.net.http.WebSocket} client (edge agents, the api-server's relay
 * link).
 *
 * <p>Each received message is parsed by the session inside the listener callback, and the next one
 * is requested only once that is done, so receive backpressure is real: a session that cannot keep
 * up (see {@link Transport.Receiver}) stops the socket reads. Payload goes straight into stream
 * buffers, which the advertised windows bound. Incoming messages are a byte stream (any split of
 * frames is fine); text messages are refused. Each write is sent as binary messages of at most
 * {@link #DEFAULT_MAX_MESSAGE_SIZE} (or the size given to {@code connect}); the JDK answers pings
 * with pongs by itself. Use a client from {@link #newHttpClient()}: with other clients a connection
 * end can go unnoticed until the keepalive (see there).
 */
public final class WebSocketTransport implements Transport {

  /**
   * Default largest binary message sent. A write of a bigger batch is sent as several messages
   * (frame and message boundaries are independent): some servers receive very large messages
   * slowly, Helidon 4.2 among them, while 256 KiB keeps the per-message cost negligible.
   */
  public static final int DEFAULT_MAX_MESSAGE_SIZE = 256 * 1024;

  private final ReceiverSlot slot = new ReceiverSlot();
  private final Duration sendTimeout;
  private final int maxMessageSize;
  private final String description;
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile WebSocket socket;

  private WebSocketTransport(Duration sendTimeout, int maxMessageSize, String description) {
    if (maxMessageSize < 1024) {
      throw new IllegalArgumentException("maxMessageSize must be at least 1 KiB");
    }
    this.sendTimeout = sendTimeout;
    this.maxMessageSize = maxMessageSize;
    this.description = description;
  }

  /**
   * An {@link HttpClient} for tunnels: WebSocket listener callbacks run on the client's own
   * selector thread instead of being handed to a pool thread, which saves a thread hand-off per
   * received message: the session parses each message there and wakes the application thread
   * directly. That suits this transport because its listener does not wait for the application
   * (only, at worst, for room to queue control frames, see {@link Transport.Receiver}). Use the
   * client for tunnels only; any other asynchronous work on it would run on that thread too.
   *
   * <p>With any other executor (the JDK default is a pool), the JDK client loses a connection end
   * without a close frame that arrives while a message is being handed to the listener: it reads
   * the end of input with no demand outstanding and stops receiving without calling {@code onClose}
   * or {@code onError}. The session then learns of the end only from its keepalive. Inline
   * callbacks ask for the next message before the selector reads again, so the end is seen.
   */
  public static HttpClient newHttpClient() {
    return HttpClient.newBuilder().executor(Runnable::run).build();
  }

  /**
   * Opens a WebSocket to {@code uri} with extra request {@code headers} (e.g. Authorization).
   *
   * @param sendTimeout how long one write may take before the connection is aborted
   */
  public static WebSocketTransport connect(
      HttpClient client,
      URI uri,
      Map<String, String> headers,
      Duration connectTimeout,
      Duration sendTimeout)
      throws IOException {
    return connect(client, uri, headers, connectTimeout, sendTimeout, DEFAULT_MAX_MESSAGE_SIZE);
  }

  /**
   * As {@link #connect(HttpClient, URI, Map, Duration, Duration)}, sending binary messages of at
   * most {@code maxMessageSize} bytes (at least 1 KiB).
   */
  public static WebSocketTransport connect(
      HttpClient client,
      URI uri,
      Map<String, String> headers,
      Duration connectTimeout,
      Duration sendTimeout,
      int maxMessageSize)
      throws IOException {
    WebSocketTransport transport =
        new WebSocketTransport(sendTimeout, maxMessageSize, uri.toString());
    WebSocket.Builder builder = client.newWebSocketBuilder().connectTimeout(connectTimeout);
    headers.forEach(builder::header);
    try {
      transport.socket =
          builder
              .buildAsync(uri, transport.new Listener())
              .get(connectTimeout.toNanos() * 2, TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      throw new IOException(
          "WebSocket connect to " + uri + " failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new IOException("WebSocket connect to " + uri + " timed out");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while connecting");
    }
    return transport;
  }

  @Override
  public void start(Receiver receiver) {
    slot.start(receiver);
    socket.request(1);
  }

  @Override
  public void write(byte[] buf, int off, int len) throws IOException {
    WebSocket ws = socket;
    if (closed.get() || ws == null) {
      throw new IOException("WebSocket closed");
    }
    long deadline = System.nanoTime() + sendTimeout.toNanos();
    try {
      // The JDK allows one outstanding send; the session never writes concurrently and waits.
      for (int end = off + len; off < end; ) {
        int n = Math.min(end - off, maxMessageSize);
        ws.sendBinary(ByteBuffer.wrap(buf, off, n), true)
            .get(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        off += n;
      }
    } catch (ExecutionException e) {
      throw new IOException("WebSocket send failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      ws.abort();
      throw new IOException("WebSocket send timed out after " + sendTimeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while sending");
    }
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    slot.close();
    WebSocket ws = socket;
    if (ws != null) {
      ws.sendClose(WebSocket.NORMAL_CLOSURE, "")
          .orTimeout(1, TimeUnit.SECONDS)
          .whenComplete((r, e) -> ws.abort());
    }
  }

  @Override
  public String describe() {
    return description;
  }

  private final class Listener implements WebSocket.Listener {
    @Override
    public void onOpen(WebSocket webSocket) {
      // The first message is requested when the session starts.
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
      Receiver receiver = slot.receiver();
      try {
        receiver.receive(data);
      } catch (IOException e) {
        receiver.fail(e); // a ByteBuffer source does not fail; the session ends if it ever did
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      slot.end(new ProtocolException("text message on a yamux WebSocket"));
      webSocket.abort();
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      slot.end(null);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      slot.end(new IOException("WebSocket failed: " + error, error));
    }
  }
}
