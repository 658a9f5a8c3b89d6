package io.visiona.api.access;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.webserver.ConnectionContext;
import io.visiona.tunnel.Splice;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * The browser's upgraded connection as one side of a {@link Splice}. Helidon gives no half-close
 * and no way to close the socket from here, so ending it means interrupting the connection's
 * (virtual) thread, which closes a socket it is blocked on; returning from the connection's handler
 * then closes it for good.
 */
final class ConnectionSide implements Splice.End {

  private final ConnectionContext ctx;
  private final Thread connectionThread;
  private final Runnable onActivity;

  ConnectionSide(ConnectionContext ctx, Thread connectionThread, Runnable onActivity) {
    this.ctx = ctx;
    this.connectionThread = connectionThread;
    this.onActivity = onActivity;
  }

  @Override
  public InputStream in() {
    DataReader reader = ctx.dataReader();
    return new InputStream() {
      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
          return 0;
        }
        try {
          reader.ensureAvailable(); // bytes that came with the handshake are read first
          int n = Math.min(len, reader.available());
          reader.readBuffer(n).read(b, off, n);
          onActivity.run();
          return n;
        } catch (DataReader.InsufficientDataAvailableException e) {
          return -1;
        } catch (UncheckedIOException e) {
          throw e.getCause();
        } catch (RuntimeException e) {
          throw new IOException("browser connection failed", e);
        }
      }
    };
  }

  @Override
  public OutputStream out() {
    return new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        try {
          // The listener's writer is synchronous (no write queue), so the buffer may be reused.
          ctx.dataWriter().writeNow(BufferData.create(b, off, len));
          onActivity.run();
        } catch (UncheckedIOException e) {
          throw e.getCause();
        } catch (RuntimeException e) {
          throw new IOException("browser connection failed", e);
        }
      }
    };
  }

  /** The box ended the connection: the browser's connection ends too (no half-close here). */
  @Override
  public void closeWrite() {
    abort();
  }

  @Override
  public void abort() {
    if (Thread.currentThread() != connectionThread) {
      connectionThread.interrupt();
    }
  }

  @Override
  public void close() {
    // the connection's handler returns after the splice, and Helidon closes the socket
  }
}
