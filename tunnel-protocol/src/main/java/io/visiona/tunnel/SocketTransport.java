package io.visiona.tunnel;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

/**
 * yamux straight over a TCP socket (tests, benchmarks, plain-TCP agents). A virtual thread reads
 * the socket and hands the bytes to the session.
 *
 * <p>It reads into a large buffer only while the socket already holds enough bytes for it;
 * otherwise (light traffic, or nothing to read, where the read blocks) into a small one, and the
 * large buffer is let go. An idle connection therefore waits holding the small buffer only.
 *
 * <p>Writes are blocking socket writes with no timeout of their own: a peer that stops reading
 * blocks them, and the session's stuck-write watchdog closes the socket after the write timeout,
 * which fails the write.
 */
public final class SocketTransport implements Transport {

  /** The buffer an idle or lightly used connection reads into. */
  static final int SMALL_BUFFER = 2048;

  private static final int LARGE_BUFFER = 64 * 1024;

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private volatile int retainedBytes;

  public SocketTransport(Socket socket) throws IOException {
    this.socket = socket;
    socket.setTcpNoDelay(true);
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  @Override
  public void start(Receiver receiver) {
    Thread.ofVirtual().name("yamux-socket-reader").start(() -> readLoop(receiver));
  }

  private void readLoop(Receiver receiver) {
    byte[] small = new byte[SMALL_BUFFER];
    byte[] large = null;
    ArraySource source = new ArraySource();
    try {
      while (true) {
        if (in.available() < SMALL_BUFFER) {
          large = null;
        } else if (large == null) {
          large = new byte[LARGE_BUFFER];
        }
        byte[] buf = large == null ? small : large;
        retainedBytes = small.length + (large == null ? 0 : large.length);
        int n = in.read(buf, 0, buf.length);
        if (n < 0) {
          receiver.endOfInput();
          return;
        }
        source.buf = buf;
        source.pos = 0;
        receiver.receive(source, n);
      }
    } catch (IOException e) {
      receiver.fail(e);
    } finally {
      retainedBytes = 0;
    }
  }

  /** Bytes of read buffer held right now (memory accounting, tests). */
  int retainedBytes() {
    return retainedBytes;
  }

  @Override
  public void write(byte[] buf, int off, int len) throws IOException {
    out.write(buf, off, len);
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing: nothing left to do with the error
    }
  }

  @Override
  public String describe() {
    return String.valueOf(socket.getRemoteSocketAddress());
  }

  /** Bytes of a read buffer, consumed in order. */
  private static final class ArraySource implements ByteSource {
    byte[] buf;
    int pos;

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
