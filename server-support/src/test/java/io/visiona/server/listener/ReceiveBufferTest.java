package io.visiona.server.listener;

import static org.assertj.core.api.Assertions.assertThat;

import io.helidon.webserver.WebServer;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A bulk listener's accepted sockets get a real receive window: a client can have far more than
 * Helidon's default 4 KiB in flight towards a handler that has not read yet.
 */
@Timeout(60)
class ReceiveBufferTest {

  private static final int MIB = 1 << 20;

  @Test
  void aClientCanSendHundredsOfKibibytesBeforeTheHandlerReads() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch handlerStarted = new CountDownLatch(1);
    io.helidon.webserver.WebServerConfig.Builder b =
        WebServer.builder()
            .host("127.0.0.1")
            .port(0)
            .shutdownHook(false)
            .routing(
                r ->
                    r.post(
                        "/hold",
                        (req, res) -> {
                          handlerStarted.countDown();
                          release.await(30, TimeUnit.SECONDS);
                          try (InputStream in = req.content().inputStream()) {
                            in.transferTo(java.io.OutputStream.nullOutputStream());
                          }
                          res.send("done");
                        }));
    ListenerSettings.bulkReceiveBuffer(ListenerSettings.publicDefaults(100).applyTo(b));
    WebServer server = b.build().start();
    try (SocketChannel client = SocketChannel.open();
        Selector selector = Selector.open()) {
      // The client's own send buffer is kept small, so what is in flight is the server's window.
      client.setOption(StandardSocketOptions.SO_SNDBUF, 8 * 1024);
      client.connect(new InetSocketAddress("127.0.0.1", server.port()));
      String head = "POST /hold HTTP/1.1\r\nHost: x\r\nContent-Length: " + 4 * MIB + "\r\n\r\n";
      client.write(ByteBuffer.wrap(head.getBytes(StandardCharsets.US_ASCII)));
      assertThat(handlerStarted.await(20, TimeUnit.SECONDS)).isTrue();
      client.configureBlocking(false);
      client.register(selector, SelectionKey.OP_WRITE);
      ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
      long sent = 0;
      // Write until the connection takes nothing more for a while: the handler is not reading, so
      // the total is what the kernel buffers on both ends.
      while (sent < 4 * MIB) {
        chunk.clear();
        int n = client.write(chunk);
        sent += n;
        if (n == 0) {
          selector.selectedKeys().clear();
          if (selector.select(1000) == 0) {
            break;
          }
        }
      }
      assertThat(sent).as("bytes in flight before the handler reads").isGreaterThan(MIB / 2);
      release.countDown();
    } finally {
      release.countDown();
      server.stop();
    }
  }
}
