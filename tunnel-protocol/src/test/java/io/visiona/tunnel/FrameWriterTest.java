package io.visiona.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class FrameWriterTest {

  private static final long FOREVER = Long.MAX_VALUE;

  /** Records which thread wrote what; fails writes once told to. */
  private static class RecordingTransport implements Transport {
    final List<Thread> writers = new CopyOnWriteArrayList<>();
    final List<Integer> lengths = new CopyOnWriteArrayList<>();
    volatile IOException failWith;

    @Override
    public void start(Receiver receiver) {}

    @Override
    public void write(byte[] buf, int off, int len) throws IOException {
      if (failWith != null) {
        throw failWith;
      }
      writers.add(Thread.currentThread());
      lengths.add(len);
    }

    @Override
    public void close() {}
  }

  private static Thread startWriter(
      FrameWriter writer, Transport transport, AtomicReference<Throwable> ended) {
    return Thread.ofVirtual()
        .start(
            () -> {
              try {
                writer.run(transport);
              } catch (Throwable e) {
                ended.set(e);
              }
            });
  }

  @Test
  void eachFrameMethodWritesExactlyTheSpecsHeader() throws Exception {
    FrameWriter writer = new FrameWriter(1 << 20, 4096);
    java.io.ByteArrayOutputStream wire = new java.io.ByteArrayOutputStream();
    Transport capture =
        new RecordingTransport() {
          @Override
          public synchronized void write(byte[] buf, int off, int len) {
            wire.write(buf, off, len);
          }
        };
    // Control frames, queued before the writer runs so that one round writes them in order.
    writer.syn(1, 0);
    writer.ack(2, 1 << 20);
    writer.windowUpdate(3, 0xFFFF_FFFFL, () -> true);
    writer.rst(0x8000_0001);
    writer.ping(-7);
    writer.pong(42);
    writer.goAway(FrameHeader.GO_AWAY_PROTOCOL_ERROR);
    writer.data(5, new byte[] {9, 8, 7}, 1, 2, FOREVER);
    writer.fin(5, FOREVER);
    AtomicReference<Throwable> ended = new AtomicReference<>();
    Thread writerThread = startWriter(writer, capture, ended);
    writer.shutdown();
    writerThread.join();
    assertThat(ended.get()).isNull();
    java.io.ByteArrayOutputStream expected = new java.io.ByteArrayOutputStream();
    int[][] headers = {
      {FrameHeader.TYPE_WINDOW_UPDATE, FrameHeader.FLAG_SYN, 1, 0},
      {FrameHeader.TYPE_WINDOW_UPDATE, FrameHeader.FLAG_ACK, 2, 1 << 20},
      {FrameHeader.TYPE_WINDOW_UPDATE, 0, 3, -1},
      {FrameHeader.TYPE_WINDOW_UPDATE, FrameHeader.FLAG_RST, 0x8000_0001, 0},
      {FrameHeader.TYPE_PING, FrameHeader.FLAG_SYN, 0, -7},
      {FrameHeader.TYPE_PING, FrameHeader.FLAG_ACK, 0, 42},
      {FrameHeader.TYPE_GO_AWAY, 0, 0, FrameHeader.GO_AWAY_PROTOCOL_ERROR},
      {FrameHeader.TYPE_DATA, 0, 5, 2},
    };
    for (int[] h : headers) {
      expected.write(new FrameHeader(h[0], h[1], h[2], h[3]).toBytes());
    }
    expected.write(new byte[] {8, 7});
    expected.write(
        new FrameHeader(FrameHeader.TYPE_WINDOW_UPDATE, FrameHeader.FLAG_FIN, 5, 0).toBytes());
    assertThat(wire.toByteArray()).isEqualTo(expected.toByteArray());
  }

  @Test
  void frameMethodsRefuseArgumentsTheSpecDoesNotAllow() {
    FrameWriter writer = new FrameWriter(1024 + FrameHeader.SIZE, 4096);
    byte[] buf = new byte[2048];
    assertThatThrownBy(() -> writer.syn(0, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> writer.ack(1, -1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> writer.rst(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> writer.fin(0, FOREVER)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> writer.windowUpdate(1, 0, () -> true))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> writer.windowUpdate(1, 1L << 32, () -> true))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> writer.goAway(3)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> writer.data(1, buf, 0, 0, FOREVER))
        .isInstanceOf(IllegalArgumentException.class);
    // A frame larger than the data queue could never be queued: refused, not waited for.
    assertThatThrownBy(() -> writer.data(1, buf, 0, 1025, FOREVER))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> writer.data(1, buf, 2000, 100, FOREVER))
        .isInstanceOf(IndexOutOfBoundsException.class);
    assertThat(writer.retainedBytes()).isZero();
  }

  @Test
  void aWindowUpdateForAStreamThatStoppedReceivingWhileQueuedIsNotWritten() throws Exception {
    FrameWriter writer = new FrameWriter(1 << 20, 4096);
    java.io.ByteArrayOutputStream wire = new java.io.ByteArrayOutputStream();
    Transport capture =
        new RecordingTransport() {
          @Override
          public synchronized void write(byte[] buf, int off, int len) {
            wire.write(buf, off, len);
          }
        };
    java.util.concurrent.atomic.AtomicBoolean stream3Receiving =
        new java.util.concurrent.atomic.AtomicBoolean(true);
    // Queued before the writer runs: the round is taken after stream 3's FIN arrived.
    writer.windowUpdate(1, 1000, () -> true);
    writer.windowUpdate(3, 2000, stream3Receiving::get);
    writer.ping(7);
    writer.windowUpdate(5, 3000, () -> true);
    stream3Receiving.set(false);
    AtomicReference<Throwable> ended = new AtomicReference<>();
    Thread writerThread = startWriter(writer, capture, ended);
    writer.shutdown();
    writerThread.join();
    assertThat(ended.get()).isNull();
    byte[] expected = new byte[3 * FrameHeader.SIZE];
    FrameHeader.encode(expected, 0, FrameHeader.TYPE_WINDOW_UPDATE, 0, 1, 1000);
    FrameHeader.encode(expected, 12, FrameHeader.TYPE_PING, FrameHeader.FLAG_SYN, 0, 7);
    FrameHeader.encode(expected, 24, FrameHeader.TYPE_WINDOW_UPDATE, 0, 5, 3000);
    assertThat(wire.toByteArray()).isEqualTo(expected);
  }

  @Test
  void aControlFrameWaitsForRoomAtMostTheWriteTimeoutThenFailsTheWriterAsStuck() {
    FrameWriter writer = new FrameWriter(1 << 20, 2 * FrameHeader.SIZE, Duration.ofMillis(200));
    AtomicReference<IOException> stuck = new AtomicReference<>();
    writer.watch(null, stuck::set);
    // No round is ever written (no writer runs): the control queue stays full.
    assertThatCode(
            () -> {
              writer.ping(1);
              writer.ping(2);
            })
        .doesNotThrowAnyException();
    long start = System.nanoTime();
    assertThatThrownBy(() -> writer.ping(3))
        .isInstanceOf(SessionClosedException.class)
        .cause()
        .isInstanceOf(java.net.SocketTimeoutException.class)
        .hasMessageContaining("write timeout of PT0.2S");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertThat(stuck.get()).isInstanceOf(java.net.SocketTimeoutException.class);
    // The writer has failed: every later frame is refused at once.
    assertThatThrownBy(() -> writer.windowUpdate(1, 100, () -> true))
        .isInstanceOf(SessionClosedException.class);
  }

  @Test
  void anIdleWriterLetsOneStreamsSmallFramesBeWrittenByTheProducer() throws Exception {
    FrameWriter writer = new FrameWriter(1 << 20, 4096);
    RecordingTransport transport = new RecordingTransport();
    AtomicReference<Throwable> ended = new AtomicReference<>();
    Thread writerThread = startWriter(writer, transport, ended);
    byte[] payload = new byte[1024];
    writer.data(1, payload, 0, payload.length, FOREVER);
    await().until(() -> transport.writers.size() == 1);
    writer.data(1, payload, 0, payload.length, FOREVER);
    // The second frame of the same stream went out before data() returned, on this thread.
    assertThat(transport.writers).hasSize(2);
    assertThat(transport.writers.get(1)).isSameAs(Thread.currentThread());
    // Large frames and frames of another stream go to the writer thread.
    byte[] large = new byte[FrameWriter.DIRECT_WRITE_MAX + 1];
    writer.data(1, large, 0, large.length, FOREVER);
    writer.data(3, payload, 0, payload.length, FOREVER);
    await()
        .until(
            () ->
                transport.lengths.stream().mapToInt(Integer::intValue).sum()
                    == 3 * (1024 + 12) + large.length + 12);
    assertThat(transport.writers.subList(2, transport.writers.size()))
        .doesNotContain(Thread.currentThread());
    writer.shutdown();
    writerThread.join();
    assertThat(ended.get()).isNull();
  }

  @Test
  void aFailedDirectWriteFailsTheProducerAndEndsTheWriterWithTheError() throws Exception {
    FrameWriter writer = new FrameWriter(1 << 20, 4096);
    RecordingTransport transport = new RecordingTransport();
    AtomicReference<Throwable> ended = new AtomicReference<>();
    Thread writerThread = startWriter(writer, transport, ended);
    byte[] payload = new byte[100];
    writer.data(1, payload, 0, payload.length, FOREVER);
    await().until(() -> transport.writers.size() == 1);
    IOException broken = new IOException("broken pipe");
    transport.failWith = broken;
    assertThatThrownBy(() -> writer.data(1, payload, 0, payload.length, FOREVER))
        .isInstanceOf(SessionClosedException.class)
        .hasCause(broken);
    writerThread.join(Duration.ofSeconds(5));
    assertThat(ended.get()).isSameAs(broken);
    assertThatThrownBy(() -> writer.ping(1)).isInstanceOf(SessionClosedException.class);
  }

  @Test
  void producersWaitingForRoomAreAdmittedOneAfterAnotherAndATimeoutDoesNotStrandTheRest()
      throws Exception {
    int frame = 1000 + FrameHeader.SIZE;
    FrameWriter writer = new FrameWriter(2 * frame, 4096);
    java.util.concurrent.Semaphore gate = new java.util.concurrent.Semaphore(0);
    java.util.concurrent.atomic.AtomicInteger written =
        new java.util.concurrent.atomic.AtomicInteger();
    Transport slow =
        new RecordingTransport() {
          @Override
          public void write(byte[] buf, int off, int len) {
            gate.acquireUninterruptibly();
            written.addAndGet(len);
          }
        };
    AtomicReference<Throwable> ended = new AtomicReference<>();
    Thread writerThread = startWriter(writer, slow, ended);
    byte[] payload = new byte[1000];
    List<Thread> producers = new java.util.ArrayList<>();
    for (int i = 0; i < 20; i++) {
      int stream = 2 * i + 1;
      producers.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      writer.data(stream, payload, 0, 1000, FOREVER);
                    } catch (IOException e) {
                      throw new RuntimeException(e);
                    }
                  }));
    }
    Thread.sleep(300); // the transport holds one round, the queue is full, the rest wait
    // One more producer gives up while the others wait.
    long soon = System.nanoTime() + Duration.ofMillis(200).toNanos();
    assertThatThrownBy(() -> writer.data(99, payload, 0, 1000, soon))
        .isInstanceOf(java.net.SocketTimeoutException.class);
    gate.release(1000);
    for (Thread t : producers) {
      t.join(Duration.ofSeconds(10));
      assertThat(t.isAlive()).isFalse();
    }
    await().until(() -> written.get() == 20 * frame);
    writer.shutdown();
    writerThread.join();
    assertThat(ended.get()).isNull();
  }
}
