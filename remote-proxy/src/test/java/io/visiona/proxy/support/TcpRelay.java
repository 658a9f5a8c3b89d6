package io.visiona.proxy.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP forwarder between an agent and the proxy, so a test can cut the agent off the way a killed
 * process or a lost network would: {@link #kill()} resets every connection (RST, no close frames).
 */
public final class TcpRelay implements AutoCloseable {

  private final ServerSocket listener;
  private final InetSocketAddress upstream;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();

  public TcpRelay(InetSocketAddress upstream) throws IOException {
    this.upstream = upstream;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().start(this::acceptLoop);
  }

  public int port() {
    return listener.getLocalPort();
  }

  private void acceptLoop() {
    try {
      while (true) {
        Socket down = listener.accept();
        Socket up = new Socket(upstream.getAddress(), upstream.getPort());
        sockets.add(down);
        sockets.add(up);
        Thread.ofVirtual().start(() -> pipe(down, up));
        Thread.ofVirtual().start(() -> pipe(up, down));
      }
    } catch (IOException closed) {
      // stopped
    }
  }

  private static void pipe(Socket from, Socket to) {
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      byte[] buf = new byte[32 * 1024];
      int n;
      while ((n = in.read(buf)) >= 0) {
        out.write(buf, 0, n);
      }
      to.shutdownOutput();
    } catch (IOException e) {
      // cut
    }
  }

  /** Resets every relayed connection. */
  public void kill() {
    for (Socket s : sockets) {
      try {
        s.setSoLinger(true, 0);
        s.close();
      } catch (IOException ignored) {
        // already gone
      }
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    kill();
  }
}
