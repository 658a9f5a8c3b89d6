package io.visiona.tunnel;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * yamux over a WebSocket client of our own (RFC 6455 on a blocking {@link Socket}, plain or TLS),
 * for edge agents and the api-server's relay link. The default client; {@link WebSocketTransport}
 * (the JDK's) stays selectable, see {@link WebSocketClient}.
 *
 * <p>One reader thread parses the WebSocket frames and hands binary payload straight to the
 * session's parser, from one 64 KiB read buffer (one copy, as {@link SocketTransport}); it answers
 * pings and the server's close frame itself. A connection that ends without a close frame ends the
 * session at once (the JDK client can lose such an end, see {@link
 * WebSocketTransport#newHttpClient()}). Writes are masked binary messages of at most {@code
 * maxMessageSize}, masked eight bytes at a time while copied into the send buffer. A write that
 * does not complete within the write timeout (a peer that stopped reading) closes the socket: the
 * write fails with that cause and the session ends. {@code TCP_NODELAY} is on.
 */
public final class BlockingWebSocketTransport implements Transport {

  /** Default largest received frame; a bigger one is refused with close code 1009. */
  public static final int DEFAULT_MAX_FRAME_SIZE = 16 << 20;

  /** Read buffer; also the bound of the upgrade answer's head (see {@link WebSocketUpgrade}). */
  private static final int READ_BUFFER = 64 * 1024;

  /** Send buffer: a message of up to this much payload leaves in one socket write. */
  private static final int WRITE_BUFFER = 64 * 1024;

  private static final int MAX_HEADER = 14;
  private static final int OP_CONTINUATION = 0x0;
  private static final int OP_TEXT = 0x1;
  private static final int OP_BINARY = 0x2;
  private static final int OP_CLOSE = 0x8;
  private static final int OP_PING = 0x9;
  private static final int OP_PONG = 0xA;

  /** How long a local close waits for the server's close frame before the socket is closed. */
  private static final Duration CLOSE_GRACE = Duration.ofSeconds(1);

  private static final SecureRandom SEED = new SecureRandom();

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
  private final InputStream in;
  private final OutputStream out;
  private final String description;
  private final Duration writeTimeout;
  private final Options options;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean closeFrameSent = new AtomicBoolean();
  private final ScheduledFuture<?> writeWatch;

  // Reader thread only (after the handshake): received bytes buf[pos, lim).
  private final byte[] buf = new byte[READ_BUFFER];
  private int pos;
  private int lim;
  private final ByteSource source = new BufferSource();

  // Under writeLock: the send buffer (allocated at the first write) and the masking keys.
  private final ReentrantLock writeLock = new ReentrantLock();
  private byte[] sendBuf;
  private final byte[] keys = new byte[256];
  private int keyPos = keys.length;

  /** {@link System#nanoTime()} when the write in progress started (never 0), or 0. */
  private volatile long writeStarted;

  private volatile IOException abortCause;
  private volatile Thread reader;

  private BlockingWebSocketTransport(Socket socket, URI uri, Duration writeTimeout, Options options)
      throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
    this.description = uri.toString();
    this.writeTimeout = writeTimeout;
    this.options = options;
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
          WebSocketUpgrade.perform(transport.in, transport.out, uri, headers, transport.buf);
      transport.pos = head.framesStart();
      transport.lim = head.filled();
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
      failure = readFrames(receiver);
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

  /** Reads frames until the close handshake (returns null) or an error (returns it). */
  private IOException readFrames(Receiver receiver) throws IOException {
    boolean inMessage = false;
    while (true) {
      if (!fill(2)) {
        return endedWithoutClose();
      }
      int b0 = buf[pos] & 0xff;
      int b1 = buf[pos + 1] & 0xff;
      int opcode = b0 & 0x0f;
      boolean fin = (b0 & 0x80) != 0;
      int len7 = b1 & 0x7f;
      int headerSize = len7 == 126 ? 4 : len7 == 127 ? 10 : 2;
      if ((b1 & 0x80) != 0) {
        return refuse(1002, "masked frame from the server");
      }
      if ((b0 & 0x70) != 0) {
        return refuse(1002, "reserved bits set, no extension was negotiated");
      }
      if (!fill(headerSize)) {
        return endedWithoutClose();
      }
      long len =
          len7 == 126
              ? (buf[pos + 2] & 0xffL) << 8 | (buf[pos + 3] & 0xffL)
              : len7 == 127 ? readLong(pos + 2) : len7;
      pos += headerSize;
      if (opcode >= OP_CLOSE && (len > 125 || !fin)) {
        return refuse(1002, "bad control frame");
      }
      switch (opcode) {
        case OP_BINARY, OP_CONTINUATION -> {
          if (inMessage == (opcode == OP_BINARY)) {
            return refuse(1002, "bad fragmentation");
          }
          if (len < 0 || len > options.maxFrameSize()) {
            return refuse(1009, "frame of " + len + " bytes, limit " + options.maxFrameSize());
          }
          if (!deliver(receiver, len)) {
            return endedWithoutClose();
          }
          inMessage = !fin;
        }
        case OP_TEXT -> {
          return refuse(1003, "text message on a yamux WebSocket");
        }
        case OP_CLOSE -> {
          if (!fill((int) len)) {
            return endedWithoutClose();
          }
          int code = len >= 2 ? (buf[pos] & 0xff) << 8 | (buf[pos + 1] & 0xff) : 1000;
          pos += (int) len;
          sendClose(code == 1005 || code == 1006 || code == 1015 ? 1000 : code, true);
          return null;
        }
        case OP_PING -> {
          if (!fill((int) len)) {
            return endedWithoutClose();
          }
          sendControl(OP_PONG, buf, pos, (int) len, true);
          pos += (int) len;
        }
        case OP_PONG -> {
          if (!fill((int) len)) {
            return endedWithoutClose();
          }
          pos += (int) len;
        }
        default -> {
          return refuse(1002, "unknown opcode " + opcode);
        }
      }
    }
  }

  /** Hands {@code len} payload bytes to the session; false if the connection ended first. */
  private boolean deliver(Receiver receiver, long len) throws IOException {
    for (long left = len; left > 0; ) {
      if (pos == lim) {
        pos = 0;
        lim = 0;
        int n = in.read(buf, 0, buf.length);
        if (n < 0) {
          return false;
        }
        lim = n;
      }
      int n = (int) Math.min(left, lim - pos);
      int start = pos;
      receiver.receive(source, n);
      pos = start + n; // the session takes exactly n bytes
      left -= n;
    }
    return true;
  }

  /**
   * Makes {@code n} (at most the buffer's size) bytes available from pos; false at end of input.
   */
  private boolean fill(int n) throws IOException {
    if (lim - pos >= n) {
      return true;
    }
    if (buf.length - pos < n) {
      System.arraycopy(buf, pos, buf, 0, lim - pos);
      lim -= pos;
      pos = 0;
    }
    while (lim - pos < n) {
      int r = in.read(buf, lim, buf.length - lim);
      if (r < 0) {
        return false;
      }
      lim += r;
    }
    return true;
  }

  private long readLong(int at) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = v << 8 | (buf[at + i] & 0xffL);
    }
    return v;
  }

  private IOException endedWithoutClose() {
    IOException abort = abortCause;
    if (abort != null) {
      return abort;
    }
    return new EOFException(
        "WebSocket connection to " + description + " ended without a close frame");
  }

  /** Closes with {@code code} and returns the protocol error to end the session with. */
  private IOException refuse(int code, String problem) {
    try {
      sendClose(code, false);
    } catch (IOException ignored) {
      // the connection is given up anyway
    }
    return new ProtocolException("WebSocket from " + description + ": " + problem);
  }

  // ---- sending ---------------------------------------------------------------------------------

  @Override
  public void write(byte[] data, int off, int len) throws IOException {
    if (closed.get()) {
      throw new IOException("WebSocket closed");
    }
    writeLock.lock();
    try {
      for (int end = off + len; off < end; ) {
        int n = Math.min(end - off, options.maxMessageSize());
        writeFrame(OP_BINARY, data, off, n);
        off += n;
      }
    } finally {
      writeLock.unlock();
    }
  }

  /** Writes one masked frame; the caller holds the write lock. */
  private void writeFrame(int opcode, byte[] data, int off, int len) throws IOException {
    byte[] b = sendBuf;
    if (b == null) {
      b = sendBuf = new byte[MAX_HEADER + WRITE_BUFFER];
    }
    int key = nextKey();
    int h = header(b, opcode, len, key);
    long now = System.nanoTime();
    writeStarted = now == 0 ? 1 : now;
    try {
      int done = 0;
      do {
        int n = Math.min(len - done, b.length - h);
        WebSocketMask.mask(data, off + done, b, h, n, key, done);
        out.write(b, 0, h + n);
        done += n;
        h = 0;
      } while (done < len);
    } catch (IOException e) {
      IOException abort = abortCause;
      throw abort != null ? new IOException(abort.getMessage(), e) : e;
    } finally {
      writeStarted = 0;
    }
  }

  private static int header(byte[] b, int opcode, int len, int key) {
    b[0] = (byte) (0x80 | opcode);
    int i;
    if (len < 126) {
      b[1] = (byte) (0x80 | len);
      i = 2;
    } else if (len < 65536) {
      b[1] = (byte) (0x80 | 126);
      b[2] = (byte) (len >>> 8);
      b[3] = (byte) len;
      i = 4;
    } else {
      b[1] = (byte) (0x80 | 127);
      for (int j = 0; j < 8; j++) {
        b[2 + j] = (byte) ((long) len >>> (56 - 8 * j));
      }
      i = 10;
    }
    b[i] = (byte) (key >>> 24);
    b[i + 1] = (byte) (key >>> 16);
    b[i + 2] = (byte) (key >>> 8);
    b[i + 3] = (byte) key;
    return i + 4;
  }

  /** A fresh masking key from a strong source, drawn 64 at a time. Under the write lock. */
  private int nextKey() {
    if (keyPos == keys.length) {
      SEED.nextBytes(keys);
      keyPos = 0;
    }
    int k =
        (keys[keyPos] & 0xff) << 24
            | (keys[keyPos + 1] & 0xff) << 16
            | (keys[keyPos + 2] & 0xff) << 8
            | (keys[keyPos + 3] & 0xff);
    keyPos += 4;
    return k;
  }

  /**
   * Sends a control frame. {@code wait}: wait for the write lock (the reader answering the server);
   * otherwise only take it if free (a local close must not hang behind a stuck write).
   */
  private void sendControl(int opcode, byte[] payload, int off, int len, boolean wait)
      throws IOException {
    if (wait) {
      writeLock.lock();
    } else if (!writeLock.tryLock()) {
      return;
    }
    try {
      writeFrame(opcode, payload, off, len);
    } finally {
      writeLock.unlock();
    }
  }

  /** Sends our close frame unless it was sent already. */
  private void sendClose(int code, boolean wait) throws IOException {
    if (closeFrameSent.compareAndSet(false, true)) {
      byte[] payload = {(byte) (code >>> 8), (byte) code};
      sendControl(OP_CLOSE, payload, 0, 2, wait);
    }
  }

  /** Runs on the watchdog: closes the socket under a write that has taken too long. */
  private void checkWrite() {
    long started = writeStarted;
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

  /** The read buffer from pos, consumed by the session as it parses. */
  private final class BufferSource implements ByteSource {
    @Override
    public void read(byte[] dst, int off, int len) {
      System.arraycopy(buf, pos, dst, off, len);
      pos += len;
    }

    @Override
    public void skip(int len) {
      pos += len;
    }
  }
}
