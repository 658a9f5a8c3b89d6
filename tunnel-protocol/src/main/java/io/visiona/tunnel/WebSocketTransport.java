package io.visiona.tunnel;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * yamux over the JDK's {@link java.net.http.WebSocket} client (edge agents, the api-server's relay
 * link).
 *
 * <p>Receive backpressure is real: the next message is requested only once the previous one fits in
 * the bounded inbound buffer, so a slow session stops the socket reads. Incoming messages are a
 * byte stream (any split of frames is fine); text messages are refused. Each write is sent as
 * binary messages of at most {@link #DEFAULT_MAX_MESSAGE_SIZE} (or the size given to {@code
 * connect}); the JDK answers pings with pongs by itself. Prefer a client from {@link
 * #newHttpClient()}.
 */
public final class WebSocketTransport implements Transport {

  private static final int INBOUND_CAPACITY = 256 * 1024;

  /**
   * Default largest binary message sent. A write of a bigger batch is sent as several messages
   * (frame and message boundaries are independent): some servers receive very large messages
   * slowly, Helidon 4.2 among them, while 256 KiB keeps the per-message cost negligible.
   */
  public static final int DEFAULT_MAX_MESSAGE_SIZE = 256 * 1024;

  private final InboundBytes inbound = new InboundBytes(INBOUND_CAPACITY);
  private final Duration sendTimeout;
  private final int maxMessageSize;
  private final String description;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final ReentrantLock pendingLock = new ReentrantLock();
  private volatile WebSocket socket;

  // A message that did not fit yet, and the stage that tells the JDK when its buffer is free.
  private ByteBuffer pending;
  private CompletableFuture<Void> pendingDone;

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
   * received message. That is safe for this transport because its listener never blocks: it only
   * copies into the bounded inbound buffer and asks for the next message. Use the client for
   * tunnels only; any other asynchronous work on it would run on that thread too.
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
  public int read(byte[] buf, int off, int len) throws IOException {
    int n = inbound.read(buf, off, len);
    if (n > 0) {
      drainPending();
    }
    return n;
  }

  @Override
  public int available() {
    return inbound.available();
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
    inbound.close();
    WebSocket ws = socket;
    if (ws != null) {
      ws.sendClose(WebSocket.NORMAL_CLOSURE, "")
          .orTimeout(1, TimeUnit.SECONDS)
          .whenComplete((r, e) -> ws.abort());
    }
    completePending();
  }

  @Override
  public String describe() {
    return description;
  }

  /** After the reader made room: take the waiting message and ask for the next one. */
  private void drainPending() {
    CompletableFuture<Void> done = null;
    pendingLock.lock();
    try {
      if (pending != null) {
        inbound.offer(pending);
        if (!pending.hasRemaining()) {
          pending = null;
          done = pendingDone;
          pendingDone = null;
        }
      }
    } finally {
      pendingLock.unlock();
    }
    if (done != null) {
      done.complete(null);
      socket.request(1);
    }
  }

  private void completePending() {
    pendingLock.lock();
    try {
      if (pendingDone != null) {
        pendingDone.complete(null);
      }
      pending = null;
      pendingDone = null;
    } finally {
      pendingLock.unlock();
    }
  }

  private final class Listener implements WebSocket.Listener {
    @Override
    public void onOpen(WebSocket webSocket) {
      webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
      pendingLock.lock();
      try {
        inbound.offer(data);
        if (data.hasRemaining()) {
          pending = data;
          pendingDone = new CompletableFuture<>();
          return pendingDone;
        }
      } finally {
        pendingLock.unlock();
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      inbound.fail(new ProtocolException("text message on a yamux WebSocket"));
      webSocket.abort();
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      inbound.finish();
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      inbound.fail(new IOException("WebSocket failed: " + error, error));
    }
  }
}
