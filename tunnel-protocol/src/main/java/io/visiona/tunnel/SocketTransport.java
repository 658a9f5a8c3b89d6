package io.visiona.tunnel;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

/** yamux straight over a TCP socket (tests, benchmarks, plain-TCP agents). */
public final class SocketTransport implements Transport {

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  public SocketTransport(Socket socket) throws IOException {
    this.socket = socket;
    socket.setTcpNoDelay(true);
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  @Override
  public int read(byte[] buf, int off, int len) throws IOException {
    return in.read(buf, off, len);
  }

  @Override
  public int available() throws IOException {
    return in.available();
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
}
