package io.visiona.proxy.ws;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.ListenerConfig;
import io.helidon.webserver.websocket.WsConfig;
import io.helidon.websocket.WsCloseCodes;
import io.helidon.websocket.WsSession;
import io.visiona.tunnel.PushTransport;
import io.visiona.tunnel.Session;
import io.visiona.tunnel.Transport;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A yamux server session over one Helidon WebSocket, with the workarounds Helidon 4.2 needs:
 *
 * <ul>
 *   <li>received frames are decoded here ({@link #serve}, on the connection's thread, with {@link
 *       ClientFrames}), not by Helidon's {@code WsConnection}, whose decoder costs time in
 *       proportion to frame size × frame size (see {@link ClientFrames}); Helidon still does the
 *       upgrade and sends frames. The listener's {@code WsConfig.maxFrameLength} and an idle
 *       timeout (given, or the listener's {@code idleConnectionTimeout}) are applied here, since
 *       Helidon's own checks no longer see the frames;
 *   <li>every send, pong and close goes through one lock ({@code WsSession.send} is not
 *       thread-safe);
 *   <li>pings are answered (Helidon does not pong by itself);
 *   <li>the end of the connection is detected by joining the connection's thread.
 * </ul>
 *
 * Received payload is a byte stream handed to a {@link PushTransport}: the session parses it on the
 * connection thread and copies payload straight into stream buffers, which its windows bound. When
 * the session cannot queue the control frames the input calls for (a peer that sends but does not
 * read), the connection thread blocks in {@link #serve}, socket reads stop, and TCP pushes back.
 */
public final class YamuxWebSocket {

  private static final System.Logger LOG = System.getLogger(YamuxWebSocket.class.getName());
  private static final long CLOSE_LOCK_WAIT_MILLIS = 200;
  private static final int NO_MESSAGE = -1;

  /** Idle-timeout checks of all connections: one daemon thread, one pending task per connection. */
  private static final ScheduledThreadPoolExecutor IDLE_CHECKS = idleChecks();

  private final WsSession ws;
  private final ConnectionContext ctx;
  private final ReentrantLock sendLock = new ReentrantLock();
  private final AtomicBoolean closing = new AtomicBoolean();
  private final PushTransport transport;
  private final Session session;
  private final Thread connectionThread;
  private final int maxFrameLength;
  private final long idleTimeoutMillis;
  private final Payload payload = new Payload();
  private volatile boolean closeReceived;
  private volatile boolean goingAway;
  private volatile boolean ended;
  private volatile long lastInboundMillis = System.currentTimeMillis();
  private volatile ScheduledFuture<?> idleCheck;

  private YamuxWebSocket(
      WsSession ws, YamuxSettings settings, Duration idleTimeout, String description) {
    this.ws = ws;
    this.ctx = (ConnectionContext) ws.socketContext();
    this.connectionThread = Thread.currentThread();
    ListenerConfig listener = ctx.listenerContext().config();
    this.maxFrameLength =
        listener.protocols().stream()
            .filter(WsConfig.class::isInstance)
            .map(p -> ((WsConfig) p).maxFrameLength())
            .findFirst()
            .orElse(WsConfig.create().maxFrameLength());
    this.idleTimeoutMillis =
        Math.max(
            1, (idleTimeout != null ? idleTimeout : listener.idleConnectionTimeout()).toMillis());
    this.transport = new PushTransport(new Sender(), description);
    this.session = Session.server(transport, settings.toConfig());
  }

  /**
   * Starts the session with the listener's {@code idleConnectionTimeout}; call from {@code
   * WsListener.onOpen}, on the connection's thread.
   */
  public static YamuxWebSocket open(WsSession ws, YamuxSettings settings, String description) {
    return new YamuxWebSocket(ws, settings, null, description);
  }

  /**
   * Starts the session, closing it after {@code idleTimeout} without a received frame: for a
   * listener whose own idle timeout is short, since it bounds how long an HTTP client may wait
   * before its request.
   */
  public static YamuxWebSocket open(
      WsSession ws, YamuxSettings settings, Duration idleTimeout, String description) {
    return new YamuxWebSocket(ws, settings, idleTimeout, description);
  }

  /**
   * Runs {@code onEnd} once the connection is over, after the session has been told. Call once,
   * after the session has been registered wherever {@code onEnd} unregisters it.
   */
  public void watch(Runnable onEnd) {
    Thread.ofVirtual()
        .name("ws-end-" + transport.describe())
        .start(
            () -> {
              try {
                connectionThread.join();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              if (closeReceived) {
                transport.endOfInput();
              } else {
                transport.fail(new IOException("WebSocket connection lost"));
              }
              session.close();
              onEnd.run();
            });
  }

  public Session session() {
    return session;
  }

  public long lastInboundMillis() {
    return lastInboundMillis;
  }

  /**
   * Reads and handles the peer's frames until the connection ends, then closes the socket. Call
   * last in {@code WsListener.onOpen}, on the connection's thread; Helidon's own frame loop, which
   * runs after {@code onOpen} returns, then only sees the closed socket.
   */
  public void serve() {
    DataReader reader = ctx.dataReader();
    payload.reader = reader;
    scheduleIdleCheck(idleTimeoutMillis);
    try {
      readFrames(reader);
    } catch (ClientFrames.ProtocolException e) {
      LOG.log(
          System.Logger.Level.DEBUG,
          () -> "closing " + transport.describe() + ": " + e.getMessage());
      closeConnection(e.closeCode(), e.getMessage());
    } catch (InterruptedIOException e) {
      Thread.currentThread().interrupt();
      session.close();
    } catch (IOException e) {
      // the session is over (closed by us, or failed): close the connection
      session.close();
    } catch (DataReader.InsufficientDataAvailableException e) {
      // the peer closed TCP without a close frame
      LOG.log(System.Logger.Level.TRACE, () -> "end of input on " + transport.describe());
    } catch (RuntimeException e) {
      // socket failure (Helidon wraps it in ServerConnectionException or UncheckedIOException)
      LOG.log(System.Logger.Level.TRACE, () -> "read failed on " + transport.describe() + ": " + e);
    } finally {
      ended = true;
      ScheduledFuture<?> check = idleCheck;
      if (check != null) {
        check.cancel(false);
      }
      closeSocket();
      discardBuffered(reader);
    }
  }

  /** Drops what was read but not decoded, so that Helidon's loop does not decode it. */
  private static void discardBuffered(DataReader reader) {
    try {
      reader.skip(reader.available());
    } catch (RuntimeException e) {
      // nothing to drop
    }
  }

  private void readFrames(DataReader reader) throws ClientFrames.ProtocolException, IOException {
    int message = NO_MESSAGE;
    while (true) {
      ClientFrames.Header h = ClientFrames.readHeader(reader, maxFrameLength);
      lastInboundMillis = System.currentTimeMillis();
      switch (h.opCode()) {
        case ClientFrames.BINARY, ClientFrames.TEXT, ClientFrames.CONTINUATION -> {
          boolean continuation = h.opCode() == ClientFrames.CONTINUATION;
          if (continuation != (message != NO_MESSAGE)) {
            throw new ClientFrames.ProtocolException(
                WsCloseCodes.PROTOCOL_ERROR,
                continuation ? "unexpected continuation frame" : "expected a continuation frame");
          }
          int type = continuation ? message : h.opCode();
          message = h.fin() ? NO_MESSAGE : type;
          if (type == ClientFrames.TEXT) {
            // not part of the protocol: the connection (and with it the session) ends
            throw new ClientFrames.ProtocolException(
                WsCloseCodes.CANNOT_ACCEPT, "text messages are not supported");
          }
          receive(reader, h);
        }
        case ClientFrames.PING -> pong(ClientFrames.readSmallPayload(reader, h));
        case ClientFrames.PONG -> ClientFrames.skipPayload(reader, h.length());
        case ClientFrames.CLOSE -> {
          ClientFrames.skipPayload(reader, h.length());
          closeReceived = true;
          closeConnection(WsCloseCodes.NORMAL_CLOSE, "normal");
          return;
        }
        default -> throw new IllegalStateException("op code " + h.opCode());
      }
    }
  }

  /** Hands a binary frame's payload to the transport, as it arrives. */
  private void receive(DataReader reader, ClientFrames.Header h) throws IOException {
    payload.mask = h.mask();
    payload.position = 0;
    int left = h.length();
    while (left > 0) {
      // Only what is already buffered: the session copies it while it parses.
      int n = ClientFrames.buffered(reader, left);
      lastInboundMillis = System.currentTimeMillis();
      transport.receive(n, payload);
      left -= n;
    }
  }

  /** Copies buffered payload bytes, unmasked, into the session's buffers. */
  private static final class Payload implements Transport.ByteSource {
    DataReader reader;
    int mask;
    long position;

    @Override
    public void read(byte[] dst, int off, int len) {
      ClientFrames.readPayload(reader, dst, off, len, mask, position);
      position += len;
    }
  }

  private void pong(byte[] data) {
    sendLock.lock();
    try {
      ws.pong(BufferData.create(data));
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.DEBUG, () -> "pong failed: " + e);
    } finally {
      sendLock.unlock();
    }
  }

  /** Ends the session and the connection. */
  public void close() {
    session.close();
  }

  /**
   * Ends the session and the connection because the server shuts down: the WebSocket close frame
   * carries 1001 (going away).
   */
  public void closeGoingAway() {
    goingAway = true;
    session.close();
  }

  private void scheduleIdleCheck(long delayMillis) {
    if (!ended) {
      idleCheck = IDLE_CHECKS.schedule(this::checkIdle, delayMillis, TimeUnit.MILLISECONDS);
    }
  }

  private void checkIdle() {
    if (ended) {
      return;
    }
    long idle = System.currentTimeMillis() - lastInboundMillis;
    if (idle >= idleTimeoutMillis) {
      LOG.log(System.Logger.Level.DEBUG, () -> "idle timeout on " + transport.describe());
      Thread.ofVirtual()
          .name("ws-idle-" + transport.describe())
          .start(() -> closeConnection(WsCloseCodes.NORMAL_CLOSE, "Idle timeout"));
    } else {
      scheduleIdleCheck(idleTimeoutMillis - idle);
    }
  }

  private static ScheduledThreadPoolExecutor idleChecks() {
    ScheduledThreadPoolExecutor executor =
        new ScheduledThreadPoolExecutor(
            1, Thread.ofPlatform().name("ws-idle-checks").daemon().factory());
    executor.setRemoveOnCancelPolicy(true);
    return executor;
  }

  /** Sends a close frame (unless a writer holds the lock for long), then closes the socket. */
  private void closeConnection(int code, String reason) {
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    boolean locked = false;
    try {
      // A writer stuck on a peer that does not read holds the lock; do not wait for it long.
      locked = sendLock.tryLock(CLOSE_LOCK_WAIT_MILLIS, TimeUnit.MILLISECONDS);
      if (locked) {
        ws.close(code, reason);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.TRACE, () -> "close frame failed: " + e);
    } finally {
      if (locked) {
        sendLock.unlock();
      }
    }
    closeSocket();
  }

  private void closeSocket() {
    try {
      // Closing the socket ends the connection thread (and a stuck send), which the watcher sees.
      ctx.serverSocket().close();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.TRACE, () -> "socket close failed: " + e);
    }
  }

  private final class Sender implements PushTransport.Sender {
    @Override
    public void send(ByteBuffer frames) throws IOException {
      sendLock.lock();
      try {
        ws.send(
            BufferData.create(
                frames.array(), frames.arrayOffset() + frames.position(), frames.remaining()),
            true);
      } catch (RuntimeException e) {
        throw new IOException("WebSocket send failed: " + e, e);
      } finally {
        sendLock.unlock();
      }
    }

    @Override
    public void close() {
      if (goingAway) {
        closeConnection(WsCloseCodes.GOING_AWAY, "server shutting down");
      } else {
        closeConnection(WsCloseCodes.NORMAL_CLOSE, "");
      }
    }
  }
}
