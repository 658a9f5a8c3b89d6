package io.visiona.proxy.support;

import io.visiona.tunnel.Stream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.FutureTask;

/** Pseudo-random payloads streamed with checksums, without holding them in memory. */
public final class Transfers {

  private Transfers() {}

  /** SHA-256 of the {@code bytes} pseudo-random bytes of {@code seed}. */
  public static String expected(long seed, long bytes) throws IOException {
    MessageDigest md = sha256();
    generate(seed, bytes, (b, off, len) -> md.update(b, off, len));
    return HexFormat.of().formatHex(md.digest());
  }

  /** Writes the payload to the stream, then half-closes it; returns its SHA-256. */
  public static String send(Stream s, long seed, long bytes) throws IOException {
    MessageDigest md = sha256();
    OutputStream out = s.outputStream();
    generate(
        seed,
        bytes,
        (b, off, len) -> {
          md.update(b, off, len);
          out.write(b, off, len);
        });
    s.closeWrite();
    return HexFormat.of().formatHex(md.digest());
  }

  /** Reads the stream to its end; returns the SHA-256 and the count. */
  public record Received(String sha256, long bytes) {}

  public static Received receive(InputStream in) throws IOException {
    MessageDigest md = sha256();
    byte[] buf = new byte[64 * 1024];
    long total = 0;
    int n;
    while ((n = in.read(buf)) >= 0) {
      md.update(buf, 0, n);
      total += n;
    }
    return new Received(HexFormat.of().formatHex(md.digest()), total);
  }

  /** Runs {@code task} on a virtual thread. */
  public static <T> FutureTask<T> async(Callable<T> task) {
    FutureTask<T> f = new FutureTask<>(task);
    Thread.ofVirtual().start(f);
    return f;
  }

  private interface Sink {
    void accept(byte[] b, int off, int len) throws IOException;
  }

  private static void generate(long seed, long bytes, Sink sink) throws IOException {
    SplittableRandom random = new SplittableRandom(seed);
    byte[] block = new byte[64 * 1024];
    for (long left = bytes; left > 0; ) {
      for (int i = 0; i < block.length; i += 8) {
        long v = random.nextLong();
        for (int j = 0; j < 8; j++) {
          block[i + j] = (byte) (v >>> (8 * j));
        }
      }
      int n = (int) Math.min(left, block.length);
      sink.accept(block, 0, n);
      left -= n;
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
