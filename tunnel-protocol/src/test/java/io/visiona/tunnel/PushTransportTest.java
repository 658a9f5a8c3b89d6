package io.visiona.tunnel;

import static io.visiona.tunnel.FrameHeader.FLAG_SYN;
import static io.visiona.tunnel.FrameHeader.TYPE_DATA;
import static io.visiona.tunnel.FrameHeader.TYPE_PING;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The push-style transport a server feeds from its connection: frames are parsed on the feeding
 * thread, bytes that arrive before the session starts wait for it, and a peer that floods control
 * frames without reading is pushed back on instead of growing a queue.
 */
@Timeout(30)
class PushTransportTest {

  private static final Duration WAIT = Duration.ofSeconds(5);

  /** Counts what the session sends; optionally blocks every send until closed (a stuck peer). */
  private static final class Peer implements PushTransport.Sender {
    final AtomicInteger bytesSent = new AtomicInteger();
    final CountDownLatch closed = new CountDownLatch(1);
    final boolean stuck;

    Peer(boolean stuck) {
      this.stuck = stuck;
    }

    @Override
    public void send(ByteBuffer frames) throws IOException {
      if (stuck) {
        try {
          closed.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        throw new IOException("connection closed");
      }
      bytesSent.addAndGet(frames.remaining());
    }

    @Override
    public void close() {
      closed.countDown();
    }
  }

  private static byte[] dataFrame(int flags, int streamId, String payload) {
    byte[] body = payload.getBytes(US_ASCII);
    byte[] frame = new byte[FrameHeader.SIZE + body.length];
    FrameHeader.encode(frame, 0, TYPE_DATA, flags, streamId, body.length);
    System.arraycopy(body, 0, frame, FrameHeader.SIZE, body.length);
    return frame;
  }

  private static Thread feed(
      PushTransport transport, byte[] bytes, AtomicReference<Throwable> err) {
    return Thread.ofVirtual()
        .start(
            () -> {
              try {
                transport.receive(ByteBuffer.wrap(bytes));
              } catch (Throwable e) {
                err.set(e);
              }
            });
  }

  @Test
  void bytesThatArriveBeforeTheSessionWaitForItAndAreDispatchedOnTheFeedingThread()
      throws Exception {
    PushTransport transport = new PushTransport(new Peer(false), "test");
    AtomicReference<Throwable> err = new AtomicReference<>();
    Thread feeder = feed(transport, dataFrame(FLAG_SYN, 1, "hello"), err);
    await().atMost(WAIT).until(() -> feeder.getState() == Thread.State.WAITING);

    Session session = Session.server(transport, RawPeer.quiet().build());
    assertThat(feeder.join(WAIT)).isTrue();
    assertThat(err.get()).isNull();
    // receive() returned: the frame was handled on the feeding thread, with no reader in between.
    Stream stream = session.acceptStream(Duration.ZERO);
    assertThat(stream.id()).isEqualTo(1);
    assertThat(stream.inputStream().available()).isEqualTo(5);
    assertThat(new String(stream.inputStream().readNBytes(5), US_ASCII)).isEqualTo("hello");
    session.close();
  }

  @Test
  void aFrameCutIntoOneBytePiecesIsReassembled() throws Exception {
    PushTransport transport = new PushTransport(new Peer(false), "test");
    Session session = Session.server(transport, RawPeer.quiet().build());
    byte[] frame = dataFrame(FLAG_SYN, 3, "one byte at a time");
    for (byte b : frame) {
      transport.receive(ByteBuffer.wrap(new byte[] {b}));
    }
    Stream stream = session.acceptStream(Duration.ZERO);
    assertThat(new String(stream.inputStream().readNBytes(18), US_ASCII))
        .isEqualTo("one byte at a time");
    session.close();
  }

  @Test
  void closingBeforeASessionStartsReleasesAWaitingFeeder() throws Exception {
    PushTransport transport = new PushTransport(new Peer(false), "test");
    AtomicReference<Throwable> err = new AtomicReference<>();
    Thread feeder = feed(transport, dataFrame(FLAG_SYN, 1, "x"), err);
    await().atMost(WAIT).until(() -> feeder.getState() == Thread.State.WAITING);
    transport.close();
    assertThat(feeder.join(WAIT)).isTrue();
    assertThat(err.get()).isInstanceOf(IOException.class).hasMessageContaining("closed");
    assertThatThrownBy(() -> transport.receive(ByteBuffer.wrap(new byte[1])))
        .isInstanceOf(IOException.class);
  }

  @Test
  void anEndReportedBeforeTheSessionStartsClosesItAtTheStart() throws Exception {
    PushTransport transport = new PushTransport(new Peer(false), "test");
    transport.endOfInput();
    Session session = Session.server(transport, RawPeer.quiet().build());
    assertThat(session.awaitClosed(WAIT)).isTrue();
    assertThat(session.closeCause()).isInstanceOf(SessionClosedException.class);
  }

  @Test
  void aFailedSendEndsTheSessionAtOnceWithoutWaitingToFlush() throws Exception {
    PushTransport transport =
        new PushTransport(
            new PushTransport.Sender() {
              @Override
              public void send(ByteBuffer frames) throws IOException {
                throw new IOException("connection reset");
              }

              @Override
              public void close() {}
            },
            "test");
    Session session = Session.server(transport, RawPeer.quiet().build());
    transport.receive(ByteBuffer.wrap(dataFrame(FLAG_SYN, 1, "x")));
    Stream stream = session.acceptStream(Duration.ZERO); // its ACK is the first send, which fails
    long start = System.nanoTime();
    assertThatThrownBy(() -> stream.inputStream().readNBytes(2)).isInstanceOf(IOException.class);
    // The writer thread ends the session itself; a flush would wait a second for that very thread.
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(700));
    assertThat(session.closeCause()).hasMessageContaining("connection reset");
  }

  @Test
  void aPingFloodFromAPeerThatDoesNotReadBlocksTheFeederUntilTheSessionCloses() throws Exception {
    Peer peer = new Peer(true);
    PushTransport transport = new PushTransport(peer, "test");
    Session session = Session.server(transport, RawPeer.quiet().build());
    // Far more pings than the control queue holds; the replies cannot leave.
    int pings = 20_000;
    byte[] flood = new byte[pings * FrameHeader.SIZE];
    for (int i = 0; i < pings; i++) {
      FrameHeader.encode(flood, i * FrameHeader.SIZE, TYPE_PING, FLAG_SYN, 0, i);
    }
    AtomicReference<Throwable> err = new AtomicReference<>();
    Thread feeder = feed(transport, flood, err);
    // Held back while the control queue is full, and the queue stays within its bound.
    await().during(Duration.ofMillis(300)).atMost(WAIT).until(feeder::isAlive);
    // Parked until the write timeout (the control queue's wait has a deadline).
    assertThat(feeder.getState()).isEqualTo(Thread.State.TIMED_WAITING);
    assertThat(session.retainedBufferBytes()).isLessThanOrEqualTo(2 * 64 * 1024);

    session.close(); // closes the connection, which fails the stuck send
    assertThat(feeder.join(WAIT)).isTrue();
    assertThat(err.get()).as("the rest of the flood is dropped, not thrown").isNull();
    assertThat(peer.closed.await(0, TimeUnit.SECONDS)).isTrue();
    assertThat(session.awaitClosed(WAIT)).isTrue();
  }
}
