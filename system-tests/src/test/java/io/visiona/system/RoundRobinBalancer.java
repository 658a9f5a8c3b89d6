package io.visiona.system;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * A plain TCP load balancer, as in front of remote-proxy replicas in production: each connection
 * goes to the next backend in turn, skipping one that refuses, and is spliced byte for byte.
 */
final class RoundRobinBalancer implements AutoCloseable {

  private final ServerSocket listener;
  private final List<IntSupplier> backends;
  private final AtomicInteger next = new AtomicInteger();
  private final List<Socket> open = new CopyOnWriteArrayList<>();

  /** Backends by port, read at every connection (a stopped backend refuses). */
  RoundRobinBalancer(List<IntSupplier> backends) throws IOException {
    this.backends = List.copyOf(backends);
    this.listener = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().name("balancer").start(this::acceptLoop);
  }

  int port() {
    return listener.getLocalPort();
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Thread.ofVirtual().start(() -> route(client));
      } catch (IOException e) {
        // closed
      }
    }
  }

  private void route(Socket client) {
    int first = Math.floorMod(next.getAndIncrement(), backends.size());
    for (int i = 0; i < backends.size(); i++) {
      int port = backends.get((first + i) % backends.size()).getAsInt();
      Socket backend = new Socket();
      try {
        backend.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
      } catch (IOException refused) {
        closeQuietly(backend);
        continue;
      }
      open.add(client);
      open.add(backend);
      Thread.ofVirtual().start(() -> pump(client, backend));
      pump(backend, client);
      return;
    }
    closeQuietly(client);
  }

  private void pump(Socket from, Socket to) {
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      in.transferTo(out);
    } catch (IOException e) {
      // one side ended
    } finally {
      closeQuietly(from);
      closeQuietly(to);
      open.remove(from);
      open.remove(to);
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    open.forEach(RoundRobinBalancer::closeQuietly);
  }
}
