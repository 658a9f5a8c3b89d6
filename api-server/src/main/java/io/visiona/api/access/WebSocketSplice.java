package io.visiona.api.access;

import io.helidon.common.concurrency.limits.Limit;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.spi.ServerConnection;
import io.visiona.tunnel.Splice;
import io.visiona.tunnel.Stream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;

/**
 * An upgraded browser connection spliced onto the box's WebSocket, byte for byte: frames of every
 * kind (text, binary, ping, pong, close with its code) pass unchanged, each direction through one
 * copy buffer and the relay stream's window. Ends when either side ends, or when no byte moved
 * either way for the idle timeout.
 */
final class WebSocketSplice implements ServerConnection {

  private static final int COPY_BUFFER = 16 * 1024;

  private final ConnectionContext ctx;
  private final DeviceAccess.Opened opened;
  private final InputStream fromBox;
  private final Duration idleTimeout;
  private volatile long lastActivity = System.nanoTime();
  private volatile Thread thread;

  WebSocketSplice(
      ConnectionContext ctx,
      DeviceAccess.Opened opened,
      InputStream fromBox,
      Duration idleTimeout) {
    this.ctx = ctx;
    this.opened = opened;
    this.fromBox = fromBox;
    this.idleTimeout = idleTimeout;
  }

  @Override
  public void handle(Limit limit) {
    thread = Thread.currentThread();
    Runnable active = () -> lastActivity = System.nanoTime();
    ConnectionSide browser = new ConnectionSide(ctx, thread, active);
    boolean completed = false;
    try {
      completed = Splice.run(browser, boxSide(active), "device-ws", COPY_BUFFER);
    } finally {
      if (completed) {
        opened.close();
      } else {
        opened.abort();
      }
      Thread.interrupted(); // an interrupt only ended the splice; Helidon closes the socket next
    }
  }

  private Splice.End boxSide(Runnable active) {
    Stream stream = opened.stream();
    Splice.End stream0 = Splice.of(stream);
    return new Splice.End() {
      @Override
      public InputStream in() {
        return new InputStream() {
          @Override
          public int read() throws IOException {
            int b = fromBox.read();
            active.run();
            return b;
          }

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            int n = fromBox.read(b, off, len);
            active.run();
            return n;
          }
        };
      }

      @Override
      public OutputStream out() {
        return stream.outputStream();
      }

      @Override
      public void closeWrite() throws IOException {
        stream0.closeWrite();
      }

      @Override
      public void abort() {
        opened.abort();
      }

      @Override
      public void close() {
        // released in handle(), with the stream permit
      }
    };
  }

  /**
   * Helidon closes a connection idle for longer than the listener's idle timeout; a WebSocket is
   * only idle once nothing moved for this splice's own idle timeout.
   */
  @Override
  public Duration idleTime() {
    Duration idle = Duration.ofNanos(System.nanoTime() - lastActivity);
    return idle.compareTo(idleTimeout) >= 0 ? idle : Duration.ZERO;
  }

  @Override
  public void close(boolean interrupt) {
    opened.abort();
    Thread t = thread;
    if (t != null) {
      t.interrupt();
    }
  }
}
