package io.visiona.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A peer that stops reading must not block this side forever: the write timeout ends it. */
@Timeout(30)
class StuckTransportTest {

  private static final Duration WRITE_TIMEOUT = Duration.ofMillis(500);
  private static final int WINDOW = Config.SPEC_INITIAL_WINDOW;

  @Test
  void aReaderWhoseCreditCannotBeSentBecauseThePeerStoppedReadingFailsWithinTheWriteTimeout()
      throws Exception {
    try (ServerSocket listener = smallBufferListener();
        Socket ours = smallBufferSocket(listener);
        Socket peer = listener.accept()) {
      Session session =
          Session.client(
              new SocketTransport(ours), RawPeer.quiet().writeTimeout(WRITE_TIMEOUT).build());
      Stream stream = session.openStream();
      // Fills the peer's receive buffer and ours: the writer is now stuck in a socket write.
      writeWindowInBackground(stream);
      // The peer, which never reads, sends a full window and then waits for credit.
      OutputStream toUs = peer.getOutputStream();
      toUs.write(new FrameHeader(FrameHeader.TYPE_DATA, FrameHeader.FLAG_ACK, 1, WINDOW).toBytes());
      toUs.write(new byte[WINDOW]);
      toUs.flush();

      InputStream in = stream.inputStream();
      assertThat(in.readNBytes(WINDOW)).hasSize(WINDOW);
      long start = System.nanoTime();
      // The credit for that window is stuck behind the write, so no more data can come.
      assertThatThrownBy(in::read)
          .isInstanceOf(SocketTimeoutException.class)
          .hasMessageContaining("write timeout of " + WRITE_TIMEOUT);
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .isLessThan(WRITE_TIMEOUT.multipliedBy(4));
      assertThat(session.closeCause()).isInstanceOf(SocketTimeoutException.class);
      assertThat(session.awaitClosed(Duration.ofSeconds(5))).isTrue();
    }
  }

  @Test
  void aSlowButMovingPeerIsNotTakenForStuck() throws Exception {
    Duration writeTimeout = Duration.ofSeconds(4);
    try (ServerSocket listener = smallBufferListener();
        Socket ours = smallBufferSocket(listener);
        Socket peer = listener.accept()) {
      Session session =
          Session.client(
              new SocketTransport(ours), RawPeer.quiet().writeTimeout(writeTimeout).build());
      Stream stream = session.openStream();
      long start = System.nanoTime();
      CompletableFuture<Void> written = writeWindowInBackground(stream);
      // About 27 KB/s: the window takes some 10 s, a batch of frames queued while the writer was
      // busy (192 KiB) some 7 s, more than the write timeout, which used to end the session;
      // each 64 KiB piece still goes through within it.
      long received = readSlowly(peer.getInputStream(), WINDOW + 2 * FrameHeader.SIZE);
      written.get();
      assertThat(received).isGreaterThanOrEqualTo(WINDOW + 2 * FrameHeader.SIZE);
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .isGreaterThan(writeTimeout.multipliedBy(2));
      assertThat(session.isClosed()).as("closed by %s", session.closeCause()).isFalse();
      session.close();
    }
  }

  @Test
  void aPeerThatStopsReadingEndsTheSessionWithinTheWriteTimeout() throws Exception {
    Duration writeTimeout = Duration.ofSeconds(1);
    try (ServerSocket listener = smallBufferListener();
        Socket ours = smallBufferSocket(listener);
        Socket peer = listener.accept()) {
      Session session =
          Session.client(
              new SocketTransport(ours), RawPeer.quiet().writeTimeout(writeTimeout).build());
      Stream stream = session.openStream();
      long start = System.nanoTime();
      CompletableFuture<Void> written = writeWindowInBackground(stream);
      // The peer reads nothing: the buffers fill at once and the transport takes no more.
      assertThat(session.awaitClosed(Duration.ofSeconds(10))).isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .isLessThan(writeTimeout.plusSeconds(2));
      assertThat(session.closeCause())
          .isInstanceOf(SocketTimeoutException.class)
          .hasMessageContaining("write timeout of " + writeTimeout);
      written.handle((ok, e) -> null).get(); // queued, or failed by the session's end
      assertThatThrownBy(() -> stream.outputStream().write(1))
          .isInstanceOf(SocketTimeoutException.class);
    }
  }

  /** A loopback listener whose accepted side's receive buffer fills after a few KiB. */
  private static ServerSocket smallBufferListener() throws IOException {
    ServerSocket listener = new ServerSocket();
    listener.setReceiveBufferSize(4096);
    listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
    return listener;
  }

  /** This side's socket to {@code listener}, with a small send buffer. */
  private static Socket smallBufferSocket(ServerSocket listener) throws IOException {
    Socket ours = new Socket();
    ours.setSendBufferSize(4096);
    ours.connect(listener.getLocalSocketAddress());
    return ours;
  }

  /** Writes a whole window on {@code stream} from another thread. */
  private static CompletableFuture<Void> writeWindowInBackground(Stream stream) {
    return CompletableFuture.runAsync(
        () -> {
          try {
            stream.outputStream().write(new byte[WINDOW]);
          } catch (IOException e) {
            throw new RuntimeException(e);
          }
        });
  }

  /** Reads 4 KiB every 150 ms (pacing a slow link, not synchronisation) until {@code total}. */
  private static long readSlowly(InputStream in, long total) throws Exception {
    byte[] buf = new byte[4096];
    long received = 0;
    while (received < total) {
      int n = in.read(buf);
      if (n < 0) {
        break;
      }
      received += n;
      Thread.sleep(150);
    }
    return received;
  }
}
