package io.visiona.proxy.support;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CountDownLatch;

/** A TCP target that reads until its connection ends, and tells when that happened. */
public final class ClosingWatcher implements AutoCloseable {

  private final ServerSocket listener;
  public final CountDownLatch connected = new CountDownLatch(1);
  public final CountDownLatch ended = new CountDownLatch(1);

  public ClosingWatcher() throws IOException {
    listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual()
        .start(
            () -> {
              try (Socket s = listener.accept()) {
                connected.countDown();
                InputStream in = s.getInputStream();
                byte[] buf = new byte[8192];
                while (in.read(buf) >= 0) {
                  // discard
                }
              } catch (IOException e) {
                // reset counts as ended too
              } finally {
                ended.countDown();
              }
            });
  }

  public InetSocketAddress address() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort());
  }

  @Override
  public void close() throws IOException {
    listener.close();
  }
}
