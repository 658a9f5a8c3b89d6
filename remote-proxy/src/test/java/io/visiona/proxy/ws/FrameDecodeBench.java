package io.visiona.proxy.ws;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.websocket.ClientWsFrame;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Decoding speed of masked client frames arriving in 8 KiB socket reads (what Helidon's {@code
 * PlainSocket} hands its {@code DataReader}), no network: Helidon 4.2's {@code ClientWsFrame} plus
 * the copy {@link YamuxWebSocket} used to make, against {@link ClientFrames}. Run alone with {@code
 * -Dbench.frames=only} (see BENCHMARKS.md).
 */
public final class FrameDecodeBench {

  private static final int SOCKET_READ = 8 * 1024;
  private static final long BYTES_PER_RUN = 64L << 20;

  private FrameDecodeBench() {}

  public static void main(String[] args) {
    List<String> rows = new ArrayList<>();
    run(rows);
    rows.forEach(System.out::println);
  }

  /** Adds one row per frame size: MiB/s with Helidon's decoder and with {@link ClientFrames}. */
  public static void run(List<String> rows) {
    for (int size : new int[] {16 * 1024, 40_000, 512 * 1024, 2 * 1024 * 1024}) {
      byte[] wire = frames(size, (int) Math.max(1, BYTES_PER_RUN / size));
      int count = (int) Math.max(1, BYTES_PER_RUN / size);
      long payload = (long) size * count;
      double helidon = 0;
      double ours = 0;
      for (int run = 0; run < 3; run++) {
        helidon = Math.max(helidon, mibps(payload, time(() -> helidon(wire, count, size))));
        ours = Math.max(ours, mibps(payload, time(() -> ours(wire, count, size))));
      }
      String row =
          String.format(
              Locale.ROOT,
              "| decode %,d-byte client frames (8 KiB reads) | Helidon %.0f MiB/s | ClientFrames %.0f"
                  + " MiB/s |",
              size,
              helidon,
              ours);
      System.out.println("RESULT " + row);
      rows.add(row);
    }
  }

  private static long time(Runnable r) {
    long t = System.nanoTime();
    r.run();
    return System.nanoTime() - t;
  }

  private static double mibps(long bytes, long nanos) {
    return bytes / (1024.0 * 1024.0) / (nanos / 1e9);
  }

  /** What the listener saw before: Helidon's frame, then {@code available()} and a bulk read. */
  private static void helidon(byte[] wire, int count, int size) {
    DataReader reader = new DataReader(reads(wire));
    byte[] dst = new byte[size];
    for (int i = 0; i < count; i++) {
      BufferData data = ClientWsFrame.read(null, reader, Integer.MAX_VALUE).payloadData();
      int n = data.available();
      for (int done = 0; done < n; ) {
        done += data.read(dst, done, n - done);
      }
      check(dst, i);
    }
  }

  private static void ours(byte[] wire, int count, int size) {
    DataReader reader = new DataReader(reads(wire));
    byte[] dst = new byte[size];
    try {
      for (int i = 0; i < count; i++) {
        ClientFrames.Header h = ClientFrames.readHeader(reader, Integer.MAX_VALUE);
        ClientFrames.readPayload(reader, dst, 0, h.length(), h.mask(), 0);
        check(dst, i);
      }
    } catch (ClientFrames.ProtocolException e) {
      throw new AssertionError(e);
    }
  }

  private static void check(byte[] payload, int i) {
    if (payload[0] != (byte) i || payload[payload.length - 1] != (byte) (i * 7)) {
      throw new AssertionError("frame " + i + " decoded wrongly");
    }
  }

  private static Supplier<byte[]> reads(byte[] wire) {
    int[] pos = {0};
    return () -> {
      if (pos[0] >= wire.length) {
        return null;
      }
      int n = Math.min(SOCKET_READ, wire.length - pos[0]);
      byte[] b = Arrays.copyOfRange(wire, pos[0], pos[0] + n);
      pos[0] += n;
      return b;
    };
  }

  /** {@code count} masked binary frames of {@code size} bytes, as a client sends them. */
  static byte[] frames(int size, int count) {
    Random random = new Random(1);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] payload = new byte[size];
    random.nextBytes(payload);
    for (int i = 0; i < count; i++) {
      payload[0] = (byte) i;
      payload[size - 1] = (byte) (i * 7);
      out.writeBytes(frame(0x2, true, payload, random.nextInt()));
    }
    return out.toByteArray();
  }

  /** One masked frame. */
  static byte[] frame(int opCode, boolean fin, byte[] payload, int mask) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write((fin ? 0x80 : 0) | opCode);
    int len = payload.length;
    if (len < 126) {
      out.write(0x80 | len);
    } else if (len < 65536) {
      out.write(0x80 | 126);
      out.write(len >>> 8);
      out.write(len & 0xFF);
    } else {
      out.write(0x80 | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        out.write((int) ((long) len >>> shift) & 0xFF);
      }
    }
    byte[] key = {(byte) (mask >>> 24), (byte) (mask >>> 16), (byte) (mask >>> 8), (byte) mask};
    out.writeBytes(key);
    for (int i = 0; i < len; i++) {
      out.write(payload[i] ^ key[i & 3]);
    }
    return out.toByteArray();
  }
}
