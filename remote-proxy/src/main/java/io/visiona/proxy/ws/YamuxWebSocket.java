package io.visiona.proxy.ws;

import io.helidon.common.buffers.BufferData;
import io.helidon.webserver.ConnectionContext;
import io.helidon.websocket.WsSession;
import io.visiona.tunnel.PushTransport;
import io.visiona.tunnel.Session;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A yamux server session over one Helidon WebSocket, with the workarounds Helidon 4.2 needs:
 *
 * <ul>
 *   <li>every send, pong and close goes through one lock ({@code WsSession.send} is not
 *       thread-safe);
 *   <li>pings are answered (Helidon does not pong by itself);
 *   <li>the end of the connection is detected by joining the connection's thread, since {@code
 *       onClose}/{@code onError} are not called when TCP drops, on oversized frames or on idle
 *       timeout.
 * </ul>
 *
 * Received messages are a byte stream handed to a bounded {@link PushTransport}: when it is full,
 * the connection thread blocks in {@link #onMessage}, socket reads stop, and TCP pushes back on the
 * peer.
 */
public final class YamuxWebSocket {

  private static final System.Logger LOG = System.getLogger(YamuxWebSocket.class.getName());
  private static final long CLOSE_LOCK_WAIT_MILLIS = 200;

  private final WsSession ws;
  private final ReentrantLock sendLock = new ReentrantLock();
  private final PushTransport transport;
  private final Session session;
  private final Thread connectionThread;
  private volatile boolean closeReceived;
  private volatile long lastInboundMillis = System.currentTimeMillis();

  private YamuxWebSocket(WsSession ws, YamuxSettings settings, String description) {
    this.ws = ws;
    this.connectionThread = Thread.currentThread();
    this.transport = new PushTransport(new Sender(), settings.inboundBuffer(), description);
    this.session = Session.server(transport, settings.toConfig());
  }

  /** Starts the session; call from {@code WsListener.onOpen}, on the connection's thread. */
  public static YamuxWebSocket open(WsSession ws, YamuxSettings settings, String description) {
    return new YamuxWebSocket(ws, settings, description);
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

  /** A binary message (or fragment) from the peer. Blocks while the inbound buffer is full. */
  public void onMessage(BufferData data) {
    lastInboundMillis = System.currentTimeMillis();
    try {
      // available() walks every chunk of a composite buffer: ask once, not per copy.
      transport.receive(data.available(), (dst, off, len) -> readFully(data, dst, off, len));
    } catch (InterruptedIOException e) {
      Thread.currentThread().interrupt();
      session.close();
    } catch (IOException e) {
      session.close();
    }
  }

  private static void readFully(BufferData data, byte[] dst, int off, int len) throws IOException {
    int done = 0;
    while (done < len) {
      int n = data.read(dst, off + done, len - done);
      if (n <= 0) {
        throw new IOException("WebSocket message shorter than announced");
      }
      done += n;
    }
  }

  /** A text message: not part of the protocol; the session ends. */
  public void onText() {
    LOG.log(System.Logger.Level.DEBUG, () -> "text message on " + transport.describe());
    transport.fail(new IOException("text message on a yamux WebSocket"));
  }

  public void onPing(BufferData data) {
    lastInboundMillis = System.currentTimeMillis();
    sendLock.lock();
    try {
      ws.pong(data);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.DEBUG, () -> "pong failed: " + e);
    } finally {
      sendLock.unlock();
    }
  }

  /** The peer sent a close frame: its side ended cleanly. */
  public void onClose() {
    closeReceived = true;
  }

  /** Ends the session and the connection. */
  public void close() {
    session.close();
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
      boolean locked = false;
      try {
        // A writer stuck on a peer that does not read holds the lock; do not wait for it long.
        locked = sendLock.tryLock(CLOSE_LOCK_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        if (locked) {
          ws.close(1000, "");
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
      try {
        // Closing the socket ends the connection thread (and a stuck send), which the watcher sees.
        ((ConnectionContext) ws.socketContext()).serverSocket().close();
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.TRACE, () -> "socket close failed: " + e);
      }
    }
  }
}
