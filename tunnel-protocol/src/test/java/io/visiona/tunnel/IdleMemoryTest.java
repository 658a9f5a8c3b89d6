package io.visiona.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An idle session must hold next to no buffer memory, whatever traffic it carried before: a proxy
 * keeps thousands of them. Buffers grow under load and are let go once the traffic stops.
 */
@Timeout(60)
class IdleMemoryTest {

  /** A socket reader's small buffer plus a few small control frames. */
  private static final int IDLE_LIMIT = SocketTransport.SMALL_BUFFER + 4 * FrameWriter.MIN_BUFFER;

  @Test
  void aNewSessionHoldsOnlyTheSmallReadBuffer() throws Exception {
    try (Loopback pair = Loopback.open(RawPeer.quiet().build())) {
      assertThat(pair.client.retainedBufferBytes()).isLessThanOrEqualTo(IDLE_LIMIT);
      assertThat(pair.server.retainedBufferBytes()).isLessThanOrEqualTo(IDLE_LIMIT);
    }
  }

  @Test
  void buffersGrowUnderBulkTrafficAndAreReleasedWhenIdleOverSockets() throws Exception {
    try (Loopback pair = Loopback.open(Config.defaults())) {
      Thread.ofVirtual().start(() -> SessionTest.echoServer(pair.server));
      int peak = echo(pair.client, 16 << 20, () -> pair.client.retainedBufferBytes());
      assertThat(peak).as("buffers grew under load").isGreaterThan(64 * 1024);
      awaitIdle(pair.client);
      awaitIdle(pair.server);
    }
  }

  @Test
  void aWebSocketSessionLetsGoOfItsBuffersToo() throws Exception {
    try (TestWebSocketServer server = new TestWebSocketServer(true)) {
      Session client =
          Session.client(
              WebSocketTransport.connect(
                  HttpClient.newHttpClient(),
                  server.uri(),
                  Map.of(),
                  Duration.ofSeconds(5),
                  Duration.ofSeconds(10)),
              Config.defaults());
      Session srv = Session.server(server.accept(), Config.defaults());
      // One large write: its 64 KiB frames always pass through the writer's queue, whereas an
      // echo's
      // 16 KiB writes may all be written directly and never grow it.
      byte[] payload = new byte[16 << 20];
      new Random(13).nextBytes(payload);
      Thread.ofVirtual()
          .start(
              () -> {
                try (Stream s = srv.acceptStream()) {
                  s.outputStream().write(payload);
                  s.closeWrite();
                } catch (IOException ignored) {
                  // the reading side below sees the failure
                }
              });
      Stream download = client.openStream();
      download.closeWrite();
      InputStream in = download.inputStream();
      byte[] back = new byte[payload.length];
      int got = 0;
      int peak = 0;
      while (got < back.length) {
        int n = in.read(back, got, back.length - got);
        assertThat(n).isPositive();
        got += n;
        peak = Math.max(peak, srv.retainedBufferBytes());
      }
      assertThat(back).isEqualTo(payload);
      assertThat(peak).as("the server's buffers grew under load").isGreaterThan(64 * 1024);
      awaitIdle(srv);
      client.close();
    }
  }

  /**
   * Sends {@code size} random bytes through the peer's echo service, checks them, and returns the
   * largest value {@code retained} reported while the bytes were in flight.
   */
  private static int echo(Session session, int size, java.util.function.IntSupplier retained)
      throws Exception {
    byte[] payload = new byte[size];
    new Random(11).nextBytes(payload);
    Stream stream = session.openStream();
    AtomicReference<Throwable> failed = new AtomicReference<>();
    Thread writer =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    stream.outputStream().write(payload);
                    stream.closeWrite();
                  } catch (IOException e) {
                    failed.set(e);
                  }
                });
    int peak = 0;
    byte[] back = new byte[size];
    InputStream in = stream.inputStream();
    int got = 0;
    while (got < size) {
      int n = in.read(back, got, Math.min(64 * 1024, size - got));
      assertThat(n).isPositive();
      got += n;
      peak = Math.max(peak, retained.getAsInt());
    }
    assertThat(in.read()).isEqualTo(-1);
    writer.join();
    assertThat(failed.get()).isNull();
    assertThat(MessageDigest.getInstance("SHA-256").digest(back))
        .isEqualTo(MessageDigest.getInstance("SHA-256").digest(payload));
    stream.close();
    return peak;
  }

  private static void awaitIdle(Session session) {
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> assertThat(session.retainedBufferBytes()).isLessThanOrEqualTo(IDLE_LIMIT));
  }
}
