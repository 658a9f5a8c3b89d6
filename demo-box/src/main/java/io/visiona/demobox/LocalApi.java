package io.visiona.demobox;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * The box's local web API on 127.0.0.1: a small HTTP/1.1 server of its own (the JDK's HTTP server
 * cannot hand over a connection for a WebSocket), one virtual thread per connection.
 *
 * <p>Routes: {@code GET /}, {@code /api/status}, {@code /camera.mjpeg}, {@code /events}, {@code
 * /ws}. Bounded: at most {@link Limits#maxConnections} connections (beyond, 503 and close), request
 * heads of at most {@link Limits#maxHeadBytes} arriving within {@link Limits#headTimeout} (else 431
 * / 408), no request bodies, writes stuck longer than {@link Limits#writeTimeout} end the
 * connection.
 */
public final class LocalApi implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(LocalApi.class.getName());

  /** Connections over the limit being answered with 503 at once; beyond, they are just closed. */
  private static final int MAX_REFUSALS = 16;

  /** The local API's limits. */
  public record Limits(
      int maxConnections,
      int maxHeadBytes,
      Duration headTimeout,
      Duration writeTimeout,
      int maxWebSocketPayload,
      Duration webSocketIdleTimeout) {

    /** 8 KiB heads within 10 s, writes stuck 30 s, 64 KiB frames, WebSockets idle 5 min. */
    public static Limits defaults(int maxConnections) {
      return new Limits(
          maxConnections,
          8 * 1024,
          Duration.ofSeconds(10),
          Duration.ofSeconds(30),
          64 * 1024,
          Duration.ofMinutes(5));
    }
  }

  private final ServerSocket listener;
  private final Limits limits;
  private final Semaphore slots;
  private final Map<String, Handler> routes;
  private final BoxStatus status;
  private final WriteWatchdog watchdog;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
  private final Semaphore refusals = new Semaphore(MAX_REFUSALS);
  private final Thread acceptor;

  private LocalApi(ServerSocket listener, Limits limits, String name, int fps) {
    this.listener = listener;
    this.limits = limits;
    this.slots = new Semaphore(limits.maxConnections());
    this.status = new BoxStatus(name, Clock.systemUTC());
    this.watchdog = new WriteWatchdog(limits.writeTimeout());
    this.routes =
        Map.of(
            "/",
            new HomePage(name),
            "/api/status",
            ex -> {
              boolean keepAlive = ex.head().keepAlive();
              Responses.json(ex.out(), status.json(), !keepAlive);
              return keepAlive;
            },
            "/camera.mjpeg",
            new CameraStream(status, fps),
            "/events",
            new EventStream(Clock.systemUTC(), Duration.ofSeconds(1)),
            "/ws",
            new WebSocketEcho(limits.maxWebSocketPayload(), limits.webSocketIdleTimeout()));
    this.acceptor = Thread.ofVirtual().name("demo-box-accept").start(this::acceptLoop);
  }

  /** Listens on 127.0.0.1:{@code port} (0: any free port) and serves until closed. */
  public static LocalApi start(int port, Limits limits, String name, int fps) throws IOException {
    ServerSocket listener = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
    return new LocalApi(listener, limits, name, fps);
  }

  public int port() {
    return listener.getLocalPort();
  }

  /** Camera frames sent so far, over all streams. */
  public long framesSent() {
    return status.framesSent();
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      Socket s;
      try {
        s = listener.accept();
      } catch (IOException e) {
        if (!listener.isClosed()) {
          LOG.log(System.Logger.Level.WARNING, "accepting failed: " + e.getMessage());
        }
        continue;
      }
      if (!slots.tryAcquire()) {
        if (refusals.tryAcquire()) {
          Thread.ofVirtual().name("demo-box-refusal").start(() -> refuse(s));
        } else {
          closeQuietly(s);
        }
        continue;
      }
      open.add(s);
      Thread.ofVirtual().name("demo-box-connection").start(() -> serve(s));
    }
  }

  /** Over the limit: a 503 (small enough for the socket's send buffer), then close. */
  private void refuse(Socket s) {
    try {
      byte[] body =
          Json.error("TOO_MANY_CONNECTIONS", "the box serves a limited number of connections")
              .getBytes(StandardCharsets.UTF_8);
      Responses.send(
          s.getOutputStream(), 503, "application/json", body, true, List.of("Retry-After: 1"));
      LingeringClose.close(s, s.getInputStream());
    } catch (IOException e) {
      closeQuietly(s);
    } finally {
      refusals.release();
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  private void serve(Socket s) {
    threads.add(Thread.currentThread());
    try (s;
        InputStream in = new BufferedInputStream(s.getInputStream(), 8192);
        OutputStream out =
            watchdog.watch(s, new BufferedOutputStream(s.getOutputStream(), 32 * 1024))) {
      s.setTcpNoDelay(true);
      RequestHeadReader reader =
          new RequestHeadReader(s, in, limits.maxHeadBytes(), limits.headTimeout());
      boolean again = true;
      while (again) {
        RequestHead head;
        try {
          head = reader.read();
        } catch (HttpError e) {
          Responses.error(out, e);
          break;
        }
        if (head == null) {
          return; // closed or idle: nothing to answer
        }
        s.setSoTimeout(0);
        again = dispatch(new Exchange(head, s, in, out));
      }
      out.flush();
      LingeringClose.close(s, in);
    } catch (IOException e) {
      // the client went away (or the box is closing)
    } catch (InterruptedException e) {
      // closing
    } finally {
      open.remove(s);
      threads.remove(Thread.currentThread());
      slots.release();
    }
  }

  private boolean dispatch(Exchange ex) throws IOException, InterruptedException {
    RequestHead head = ex.head();
    Handler handler = routes.get(head.path());
    try {
      if (handler == null) {
        throw new HttpError(404, "NOT_FOUND", "no such path on this box: " + head.path());
      }
      if (!head.method().equals("GET")) {
        throw new HttpError(
            405, "METHOD_NOT_ALLOWED", head.path() + " answers GET only", List.of("Allow: GET"));
      }
      if (head.hasBody()) {
        throw new HttpError(400, "BAD_REQUEST", "requests to this box have no body");
      }
      return handler.serve(ex);
    } catch (HttpError e) {
      Responses.error(ex.out(), e);
      return false;
    }
  }

  /** Stops listening, ends every connection and waits for their threads (at most a few seconds). */
  @Override
  public void close() {
    try {
      listener.close();
    } catch (IOException e) {
      // closing anyway
    }
    for (Socket s : open) {
      try {
        s.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
    threads.forEach(Thread::interrupt);
    try {
      acceptor.join(Duration.ofSeconds(5));
      for (Thread t : threads) {
        t.join(Duration.ofSeconds(5));
      }
      watchdog.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
