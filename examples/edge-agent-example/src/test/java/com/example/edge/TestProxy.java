package com.example.edge;

import io.helidon.common.buffers.BufferData;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.websocket.WsRouting;
import io.helidon.websocket.WsCloseCodes;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import io.visiona.tunnel.Config;
import io.visiona.tunnel.PushTransport;
import io.visiona.tunnel.Session;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The remote-proxy's side of a tunnel, as small as it gets: a WebSocket endpoint at {@code
 * /v1/tunnel} (Helidon, as in remote-proxy) whose connections each carry a yamux server session
 * made with tunnel-protocol's public server API, {@link PushTransport} and {@link Session#server}.
 */
final class TestProxy implements AutoCloseable {

  private final BlockingQueue<Session> sessions = new ArrayBlockingQueue<>(8);
  private final BlockingQueue<String> authorizations = new ArrayBlockingQueue<>(8);
  private final WebServer server;

  TestProxy() {
    server =
        WebServer.builder()
            .host("127.0.0.1")
            .port(0)
            .addRouting(WsRouting.builder().endpoint("/v1/tunnel", Connection::new))
            .build()
            .start();
  }

  URI uri() {
    return URI.create("ws://127.0.0.1:" + server.port() + "/v1/tunnel");
  }

  /** The next agent's tunnel, once its WebSocket is open. */
  Session nextSession(Duration timeout) throws InterruptedException {
    return required(sessions.poll(timeout.toMillis(), TimeUnit.MILLISECONDS), "tunnel");
  }

  /** The Authorization header of the next upgrade request. */
  String nextAuthorization(Duration timeout) throws InterruptedException {
    return required(authorizations.poll(timeout.toMillis(), TimeUnit.MILLISECONDS), "upgrade");
  }

  private static <T> T required(T value, String what) {
    if (value == null) {
      throw new AssertionError("no " + what + " in time");
    }
    return value;
  }

  @Override
  public void close() {
    server.stop();
  }

  /** One agent's WebSocket; Helidon makes one per connection. */
  private final class Connection implements WsListener {
    // WsSession.send is not thread-safe, and the session writes from several threads.
    private final ReentrantLock sendLock = new ReentrantLock();
    private PushTransport transport;

    @Override
    public Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers headers) {
      authorizations.offer(headers.first(HeaderNames.AUTHORIZATION).orElse(""));
      return Optional.empty();
    }

    @Override
    public void onOpen(WsSession ws) {
      transport = new PushTransport(new Sender(ws), "test proxy " + ws.socketContext());
      sessions.offer(Session.server(transport, Config.defaults()));
    }

    @Override
    public void onMessage(WsSession ws, BufferData data, boolean last) {
      try {
        transport.receive(ByteBuffer.wrap(data.readBytes()));
      } catch (IOException e) {
        // the session has failed and closes the connection through the sender
      }
    }

    @Override
    public void onClose(WsSession ws, int status, String reason) {
      transport.endOfInput();
    }

    @Override
    public void onError(WsSession ws, Throwable t) {
      transport.fail(t);
    }

    private final class Sender implements PushTransport.Sender {
      private final WsSession ws;

      Sender(WsSession ws) {
        this.ws = ws;
      }

      @Override
      public void send(ByteBuffer frames) throws IOException {
        sendLock.lock();
        try {
          ws.send(
              BufferData.create(
                  frames.array(), frames.arrayOffset() + frames.position(), frames.remaining()),
              true);
        } catch (RuntimeException e) {
          throw new IOException("WebSocket send failed", e);
        } finally {
          sendLock.unlock();
        }
      }

      @Override
      public void close() {
        sendLock.lock();
        try {
          ws.close(WsCloseCodes.NORMAL_CLOSE, "");
        } catch (RuntimeException e) {
          // already gone
        } finally {
          sendLock.unlock();
        }
      }
    }
  }
}
