package io.visiona.tunnel;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * yamux over a WebSocket client of our own (RFC 6455 on a blocking {@link Socket}, plain or TLS),
 * for edge agents and the api-server's relay link. The default client; {@link WebSocketTransport}
 * (the JDK's) stays selectable, see {@link WebSocketClient}.
 *
 * <p>This class connects and owns the connection's lifecycle. One reader thread parses the
 * WebSocket frames and hands binary payload straight to the session's parser ({@link
 * WebSocketFrameReader}, one copy, as {@link SocketTransport}); it answers pings and the server's
 * close frame itself. A connection that ends without a close frame ends the session at once (the
 * JDK client can lose such an end, see {@link WebSocketTransport#newHttpClient()}). Writes are
 * masked binary messages of at most {@code maxMessageSize} ({@link WebSocketFrameWriter}). A write
 * that does not complete within the write timeout (a peer that stopped reading) closes the socket:
 * the write fails with that cause and the session ends. {@code TCP_NODELAY} is on.
 */
public final class BlockingWebSocketTransport implements Transport {

  /** Default largest received frame; a bigger one is refused with close code 1009. */
  public static final int DEFAULT_MAX_FRAME_SIZE = 16 << 20;

  /** How long a local close waits for the server's close frame before the socket is closed. */
  private static final Duration CLOSE_GRACE = Duration.ofSeconds(1);

  /**
   * Limits and TLS of a connection.
   *
   * @param tls factory for {@code wss://} sockets (hostname verification is switched on); null uses
   *     the JDK default {@code SSLContext}
   * @param maxFrameSize largest frame accepted from the server (at least 1 KiB)
   * @param maxMessageSize largest binary message sent; larger writes go out as several (at least 1
   *     KiB, as {@link WebSocketTransport#DEFAULT_MAX_MESSAGE_SIZE} by default)
   */
  public record Options(SSLSocketFactory tls, int maxFrameSize, int maxMessageSize) {
    public Options {
      if (maxFrameSize < 1024 || maxMessageSize < 1024) {
        throw new IllegalArgumentException("frame and message size limits must be at least 1 KiB");
      }
    }

    public static Options defaults() {
      return new Options(null, DEFAULT_MAX_FRAME_SIZE, WebSocketTransport.DEFAULT_MAX_MESSAGE_SIZE);
    }

    public Options withTls(SSLSocketFactory factory) {
      return new Options(factory, maxFrameSize, maxMessageSize);
    }

    public Options withMaxFrameSize(int size) {
      return new Options(tls, size, maxMessageSize);
    }

    public Options withMaxMessageSize(int size) {
      return new Options(tls, maxFrameSize, size);
    }
  }

  private final Socket socket;
  private final String description;
  private final Duration writeTimeout;
  private final WebSocketFrameReader frames;
  private final WebSocketFrameWriter sender;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean closeFrameSent = new AtomicBoolean();
  private final ScheduledFuture<?> writeWatch;

  private volatile IOException abortCause;
  private volatile Thread reader;

  private BlockingWebSocketTransport(Socket socket, URI uri, Duration writeTimeout, Options options)
      throws IOException {
    this.socket = socket;
    this.description = uri.toString();
    this.writeTimeout = writeTimeout;
    this.frames =
        new WebSocketFrameReader(socket.getInputStream(), options.maxFrameSize(), new Control());
    this.sender = new WebSocketFrameWriter(socket.getOutputStream(), options.maxMessageSize());
    long period = Math.clamp(writeTimeout.toNanos() / 8, 5_000_000L, 1_000_000_000L);
    this.writeWatch = SocketWatchdog.every(Duration.ofNanos(period), this::checkWrite);
  }

  /**
   * Opens a WebSocket to {@code uri} ({@code ws://} or {@code wss://}) with extra request {@code
   * headers} (e.g. Authorization), with the default {@link Options}.
   *
   * @param connectTimeout how long the TCP connect, TLS and upgrade may take together
   * @param writeTimeout how long one write may take before the connection is closed
   * @throws WebSocketUpgradeException if the server answers with a status other than 101
   */
  public static BlockingWebSocketTransport connect(
      URI uri, Map<String, String> headers, Duration connectTimeout, Duration writeTimeout)
      throws IOException {
    return connect(uri, headers, connectTimeout, writeTimeout, Options.defaults());
  }

  /** As {@link #connect(URI, Map, Duration, Duration)} with the given options. */
  public static BlockingWebSocketTransport connect(
      URI uri,
      Map<String, String> headers,
      Duration connectTimeout,
      Duration writeTimeout,
      Options options)
      throws IOException {
    Objects.requireNonNull(headers, "headers");
    if (writeTimeout.isNegative() || writeTimeout.isZero()) {
      throw new IllegalArgumentException("writeTimeout must be positive");
    }
    boolean secure = "wss".equalsIgnoreCase(uri.getScheme());
    if (!secure && !"ws".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
      throw new IllegalArgumentException("not a ws:// or wss:// URI: " + uri);
    }
    // Validates the headers before any connection is made.
    WebSocketUpgrade.request(uri, headers, "x");
    String host = uri.getHost();
    int port = uri.getPort() != -1 ? uri.getPort() : secure ? 443 : 80;
    Socket plain = new Socket();
    AtomicBoolean timedOut = new AtomicBoolean();
    long deadline = System.nanoTime() + connectTimeout.toNanos();
    ScheduledFuture<?> handshakeWatch =
        SocketWatchdog.after(
            connectTimeout,
            () -> {
              timedOut.set(true);
              closeQuietly(plain);
            });
    Socket socket = plain;
    BlockingWebSocketTransport transport = null;
    try {
      plain.setTcpNoDelay(true);
      plain.connect(new InetSocketAddress(host, port), timeoutMillis(deadline));
      if (secure) {
        socket = tls(plain, host, port, options);
      }
      socket.setSoTimeout(timeoutMillis(deadline));
      transport = new BlockingWebSocketTransport(socket, uri, writeTimeout, options);
      WebSocketUpgrade.Head head =
          WebSocketUpgrade.perform(
              socket.getInputStream(),
              socket.getOutputStream(),
              uri,
              headers,
              transport.frames.buffer());
      transport.frames.framesFrom(head.framesStart(), head.filled());
      socket.setSoTimeout(0);
    } catch (IOException | RuntimeException e) {
      if (transport != null) {
        transport.writeWatch.cancel(false);
      }
      closeQuietly(socket);
      if (timedOut.get() || e instanceof SocketTimeoutException) {
        throw new IOException(
            "WebSocket connect to " + uri + " timed out after " + connectTimeout, e);
      }
      if (e instanceof WebSocketUpgradeException || e instanceof RuntimeException) {
        throw e;
      }
      throw new IOException("WebSocket connect to " + uri + " failed: " + e.getMessage(), e);
    } finally {
      handshakeWatch.cancel(false);
    }
    if (timedOut.get()) {
      transport.writeWatch.cancel(false);
      closeQuietly(socket);
      throw new IOException("WebSocket connect to " + uri + " timed out after " + connectTimeout);
    }
    return transport;
  }

  private static int timeoutMillis(long deadline) throws IOException {
    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
    if (left <= 0) {
      throw new IOException("connect deadline passed");
    }
    return (int) Math.min(left, Integer.MAX_VALUE);
  }

  private static Socket tls(Socket plain, String host, int port, Options options)
      throws IOException {
    SSLSocketFactory factory =
        options.tls() != null ? options.tls() : (SSLSocketFactory) SSLSocketFactory.getDefault();
    SSLSocket tls = (SSLSocket) factory.createSocket(plain, host, port, true);
    SSLParameters params = tls.getSSLParameters();
    params.setEndpointIdentificationAlgorithm("HTTPS");
    if (!isIpLiteral(host)) {
      params.setServerNames(List.of(new SNIHostName(host)));
    }
    tls.setSSLParameters(params);
    tls.startHandshake();
    return tls;
  }

  private static boolean isIpLiteral(String host) {
    return host.startsWith("[") || host.chars().allMatch(c -> c == '.' || Character.isDigit(c));
  }

  @Override
  public void start(Receiver receiver) {
    synchronized (this) {
      if (reader != null) {
        throw new IllegalStateException("transport already started");
      }
      reader = Thread.ofVirtual().name("websocket-reader").unstarted(() -> readLoop(receiver));
    }
    reader.start();
  }

  // ---- receiving -------------------------------------------------------------------------------

  private void readLoop(Receiver receiver) {
    IOException failure;
    try {
      failure = frames.readFrames(receiver);
    } catch (IOException e) {
      IOException abort = abortCause;
      failure = abort != null ? abort : e;
    } finally {
      closeQuietly(socket);
      writeWatch.cancel(false);
    }
    if (failure == null) {
      receiver.endOfInput();
    } else {
      receiver.fail(failure);
    }
  }

  // ---- sending ---------------------------------------------------------------------------------

  @Override
  public void write(byte[] data, int off, int len) throws IOException {
    write(data, off, len, () -> {});
  }

  /**
   * Messages of up to {@code maxMessageSize}, written to the socket in parts of 64 KiB, each
   * reported: the session sees progress without the messages being cut as small as the parts (the
   * server's per-message cost made 64 KiB messages about a third slower on bulk transfers).
   */
  @Override
  public void write(byte[] data, int off, int len, Runnable progress) throws IOException {
    if (closed.get()) {
      throw new IOException("WebSocket closed");
    }
    try {
      sender.binary(data, off, len, progress);
    } catch (IOException e) {
      throw withAbortCause(e);
    }
  }

  /** Sends our close frame unless it was sent already. */
  private void sendClose(int code, boolean wait) throws IOException {
    if (closeFrameSent.compareAndSet(false, true)) {
      byte[] payload = {(byte) (code >>> 8), (byte) code};
      try {
        sender.control(WebSocketFrameReader.OP_CLOSE, payload, 0, 2, wait);
      } catch (IOException e) {
        throw withAbortCause(e);
      }
    }
  }

  /** A failed write says why when the watchdog closed the socket under it. */
  private IOException withAbortCause(IOException e) {
    IOException abort = abortCause;
    return abort != null ? new IOException(abort.getMessage(), e) : e;
  }

  /** Runs on the watchdog: closes the socket under a write that has taken too long. */
  private void checkWrite() {
    long started = sender.writeStartedNanos();
    if (started != 0 && System.nanoTime() - started > writeTimeout.toNanos()) {
      abortCause =
          new IOException(
              "WebSocket write to "
                  + description
                  + " did not complete within "
                  + writeTimeout
                  + " (the peer does not read)");
      writeWatch.cancel(false);
      closeQuietly(socket);
    }
  }

  // ---- closing ---------------------------------------------------------------------------------

  /**
   * Sends a close frame (if no write is stuck) and closes the socket once the server answered it,
   * or after {@link #CLOSE_GRACE}.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      sendClose(1000, false);
    } catch (IOException ignored) {
      // the socket is closed below anyway
    }
    Thread r = reader;
    if (r == null || !r.isAlive() || socket.isClosed()) {
      writeWatch.cancel(false);
      closeQuietly(socket);
    } else {
      SocketWatchdog.after(CLOSE_GRACE, () -> closeQuietly(socket)); // reader closes it sooner
    }
  }

  @Override
  public String describe() {
    return description;
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing: nothing left to do with the error
    }
  }

  /** What the reader thread does about the server's control frames and violations. */
  private final class Control implements WebSocketFrameReader.Control {
    @Override
    public void ping(byte[] payload, int off, int len) throws IOException {
      try {
        sender.control(WebSocketFrameReader.OP_PONG, payload, off, len, true);
      } catch (IOException e) {
        throw withAbortCause(e);
      }
    }

    @Override
    public void closeReceived(int code) throws IOException {
      sendClose(code == 1005 || code == 1006 || code == 1015 ? 1000 : code, true);
    }

    @Override
    public IOException refuse(int code, String problem) {
      try {
        sendClose(code, false);
      } catch (IOException ignored) {
        // the connection is given up anyway
      }
      return new ProtocolException("WebSocket from " + description + ": " + problem);
    }

    @Override
    public IOException endedWithoutClose() {
      IOException abort = abortCause;
      if (abort != null) {
        return abort;
      }
      return new EOFException(
          "WebSocket connection to " + description + " ended without a close frame");
    }
  }
}
