package io.visiona.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Client frames as RFC 6455 §5.2 and §5.3 describe them, and the progress the session relies on.
 */
class WebSocketFrameWriterTest {

  private static List<ScriptedWebSocketServer.Frame> parse(byte[] wire) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(wire));
    List<ScriptedWebSocketServer.Frame> frames = new ArrayList<>();
    while (in.available() > 0) {
      frames.add(ScriptedWebSocketServer.readFrame(in));
    }
    return frames;
  }

  @Test
  void aLongWriteIsOneMaskedMessagePerMaximumSizeWithProgressAfterEverySocketWrite()
      throws IOException {
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    AtomicInteger socketWrites = new AtomicInteger();
    OutputStream counting =
        new FilterOutputStream(wire) {
          @Override
          public void write(byte[] b, int off, int len) {
            socketWrites.incrementAndGet();
            wire.write(b, off, len);
          }
        };
    WebSocketFrameWriter writer = new WebSocketFrameWriter(counting, 256 * 1024);
    byte[] data = new byte[300 * 1024];
    new Random(5).nextBytes(data);
    AtomicInteger progress = new AtomicInteger();

    writer.binary(data, 0, data.length, progress::incrementAndGet);

    List<ScriptedWebSocketServer.Frame> frames = parse(wire.toByteArray());
    assertThat(frames).hasSize(2); // 256 KiB + 44 KiB, not cut to the 64 KiB parts
    assertThat(frames).allSatisfy(f -> assertThat(f.fin()).isTrue());
    assertThat(frames).allSatisfy(f -> assertThat(f.opcode()).isEqualTo(0x2));
    assertThat(frames).allSatisfy(f -> assertThat(f.masked()).isTrue());
    assertThat(frames.get(0).payload()).hasSize(256 * 1024);
    ByteArrayOutputStream joined = new ByteArrayOutputStream();
    frames.forEach(f -> joined.writeBytes(f.payload()));
    assertThat(joined.toByteArray()).isEqualTo(data);
    // 256 KiB in four socket writes of 64 KiB, then 44 KiB in one: each reported.
    assertThat(socketWrites.get()).isEqualTo(5);
    assertThat(progress.get()).isEqualTo(5);
  }

  @Test
  void theDefaultTransportWriteReportsProgressEverySixtyFourKibibytes() throws IOException {
    List<Integer> writes = new ArrayList<>();
    Transport recording =
        new Transport() {
          @Override
          public void start(Receiver receiver) {}

          @Override
          public void write(byte[] buf, int off, int len) {
            writes.add(len);
          }

          @Override
          public void close() {}
        };
    AtomicInteger progress = new AtomicInteger();
    recording.write(new byte[150 * 1024], 0, 150 * 1024, progress::incrementAndGet);
    assertThat(writes).containsExactly(64 * 1024, 64 * 1024, 22 * 1024);
    assertThat(progress.get()).isEqualTo(3);
  }
}
