package io.visiona.proxy.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** A TCP echo service: what arrives goes back; end of input is answered with end of output. */
public final class EchoServer implements AutoCloseable {

  private final ServerSocket listener;

  public EchoServer() throws IOException {
    listener = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().start(this::acceptLoop);
  }

  private void acceptLoop() {
    try {
      while (true) {
        Socket s = listener.accept();
        Thread.ofVirtual().start(() -> echo(s));
      }
    } catch (IOException closed) {
      // stopped
    }
  }

  private static void echo(Socket s) {
    try (s) {
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      in.transferTo(out);
      s.shutdownOutput();
    } catch (IOException e) {
      // peer gone
    }
  }

  public InetSocketAddress address() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort());
  }

  @Override
  public void close() throws IOException {
    listener.close();
  }
}
