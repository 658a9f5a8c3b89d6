package io.visiona.tunnel;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

/**
 * Copies two byte streams into each other, byte for byte, one thread per direction: a yamux stream
 * onto another (the proxy's relay link) or onto a TCP connection (the edge agent's target).
 *
 * <p>Backpressure is end to end: a direction reads only when its last write was taken, and a write
 * to a yamux stream waits for the peer's window. End of input on one side becomes a half-close of
 * the other ({@link Stream#closeWrite()}, {@link Socket#shutdownOutput()}) and the other direction
 * goes on until it ends too. An error on either side (a reset, a failed connection, a closed
 * session) aborts both: a stream is reset, a socket closed.
 */
public final class Splice {

  private Splice() {}

  /** One side of a splice. */
  public interface End {

    InputStream in() throws IOException;

    OutputStream out() throws IOException;

    /** No more bytes from the other side: pass end-of-stream on. */
    void closeWrite() throws IOException;

    /** Something failed: end both directions at once. Idempotent, callable from any thread. */
    void abort();

    /** Both directions ended: release the side. Called once, after the copy, in either outcome. */
    void close();
  }

  /** A yamux stream as a side: half-close is FIN, abort is RST. */
  public static End of(Stream stream) {
    return new End() {
      @Override
      public InputStream in() {
        return stream.inputStream();
      }

      @Override
      public OutputStream out() {
        return stream.outputStream();
      }

      @Override
      public void closeWrite() throws IOException {
        stream.closeWrite();
      }

      @Override
      public void abort() {
        stream.reset();
      }

      @Override
      public void close() {
        stream.close(); // a no-op after a reset; releases a stream whose FINs were exchanged
      }
    };
  }

  /** A connected socket as a side: half-close is {@link Socket#shutdownOutput()}, abort closes. */
  public static End of(Socket socket) {
    return new End() {
      @Override
      public InputStream in() throws IOException {
        return socket.getInputStream();
      }

      @Override
      public OutputStream out() throws IOException {
        return socket.getOutputStream();
      }

      @Override
      public void closeWrite() throws IOException {
        socket.shutdownOutput();
      }

      @Override
      public void abort() {
        close();
      }

      @Override
      public void close() {
        try {
          socket.close();
        } catch (IOException ignored) {
          // nothing left to do with the error
        }
      }
    };
  }

  /**
   * Copies {@code a} to {@code b} on the calling thread and {@code b} to {@code a} on a new virtual
   * thread named {@code name}, until both directions have ended; then closes both sides. An
   * interrupt of the calling thread aborts the splice (the interrupt status is kept).
   *
   * @param bufferBytes the copy buffer of each direction
   * @return true when both directions reached end-of-stream, false when the splice was aborted
   */
  public static boolean run(End a, End b, String name, int bufferBytes) {
    Direction back = new Direction(b, a, bufferBytes);
    Thread backThread = Thread.ofVirtual().name(name).start(back::run);
    Direction forth = new Direction(a, b, bufferBytes);
    forth.run();
    joinAbortingOnInterrupt(backThread, a, b);
    a.close();
    b.close();
    return forth.completed && back.completed;
  }

  private static void joinAbortingOnInterrupt(Thread t, End a, End b) {
    boolean interrupted = false;
    while (true) {
      try {
        t.join();
        break;
      } catch (InterruptedException e) {
        // Aborting both sides ends the other direction promptly, so the join below is short.
        interrupted = true;
        a.abort();
        b.abort();
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** One direction: {@code from} to {@code to}. */
  private static final class Direction implements Runnable {
    private final End from;
    private final End to;
    private final int bufferBytes;
    private volatile boolean completed;

    Direction(End from, End to, int bufferBytes) {
      this.from = from;
      this.to = to;
      this.bufferBytes = bufferBytes;
    }

    @Override
    public void run() {
      byte[] buf = new byte[bufferBytes];
      try {
        InputStream in = from.in();
        OutputStream out = to.out();
        int n;
        while ((n = in.read(buf)) >= 0) {
          out.write(buf, 0, n);
        }
        to.closeWrite();
        completed = true;
      } catch (IOException e) {
        from.abort();
        to.abort();
      }
    }
  }
}
