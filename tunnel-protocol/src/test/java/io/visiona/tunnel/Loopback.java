package io.visiona.tunnel;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** A connected client/server pair of sessions over real loopback TCP. */
final class Loopback implements AutoCloseable {

  final Session client;
  final Session server;

  private Loopback(Session client, Session server) {
    this.client = client;
    this.server = server;
  }

  static Loopback open(Config config) throws IOException {
    return open(config, config);
  }

  static Loopback open(Config clientConfig, Config serverConfig) throws IOException {
    Socket[] pair = socketPair();
    return new Loopback(
        Session.client(new SocketTransport(pair[0]), clientConfig),
        Session.server(new SocketTransport(pair[1]), serverConfig));
  }

  static Socket[] socketPair() throws IOException {
    try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Socket a = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
      Socket b = listener.accept();
      return new Socket[] {a, b};
    }
  }

  @Override
  public void close() {
    client.close();
    server.close();
  }
}
