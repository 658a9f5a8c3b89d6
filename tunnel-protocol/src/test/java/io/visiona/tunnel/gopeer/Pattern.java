package io.visiona.tunnel.gopeer;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The deterministic byte pattern of the Go peer's command service ({@code source}, {@code sink},
 * {@code open}): byte {@code i} (from 0) of the pattern for {@code seed} is the top 8 bits of
 * {@code i * 0x9E3779B97F4A7C15 + seed} in wrapping 64-bit arithmetic. Plus SHA-256 helpers in the
 * format of the {@code sink} reply, {@code <count> <sha256hex>}.
 */
public final class Pattern {

  /** The 64-bit golden-ratio multiplier of the pattern. */
  public static final long MULTIPLIER = 0x9E3779B97F4A7C15L;

  private static final HexFormat HEX = HexFormat.of();

  private Pattern() {}

  /** Byte {@code index} of the pattern for {@code seed}. */
  public static byte byteAt(long index, long seed) {
    return (byte) ((index * MULTIPLIER + seed) >>> 56);
  }

  /**
   * Fills {@code buf[off..off+len)} with the pattern bytes at stream offsets {@code streamOffset},
   * {@code streamOffset + 1}, ...
   */
  public static void fill(byte[] buf, int off, int len, long streamOffset, long seed) {
    Objects.checkFromIndexSize(off, len, buf.length);
    long v = streamOffset * MULTIPLIER + seed;
    for (int i = off, end = off + len; i < end; i++) {
      buf[i] = (byte) (v >>> 56);
      v += MULTIPLIER;
    }
  }

  /** The first {@code n} pattern bytes for {@code seed}. */
  public static byte[] bytes(int n, long seed) {
    byte[] b = new byte[n];
    fill(b, 0, n, 0, seed);
    return b;
  }

  /**
   * Returns the offset (relative to {@code off}) of the first byte of {@code buf[off..off+len)}
   * that differs from the pattern at {@code streamOffset}, or -1 when all match.
   */
  public static int mismatch(byte[] buf, int off, int len, long streamOffset, long seed) {
    Objects.checkFromIndexSize(off, len, buf.length);
    long v = streamOffset * MULTIPLIER + seed;
    for (int i = 0; i < len; i++) {
      if (buf[off + i] != (byte) (v >>> 56)) {
        return i;
      }
      v += MULTIPLIER;
    }
    return -1;
  }

  /** An input stream of the first {@code n} pattern bytes for {@code seed}. */
  public static InputStream inputStream(long n, long seed) {
    if (n < 0) {
      throw new IllegalArgumentException("n < 0: " + n);
    }
    return new InputStream() {
      private long pos;

      @Override
      public int read() {
        return pos < n ? byteAt(pos++, seed) & 0xff : -1;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
          return 0;
        }
        if (pos >= n) {
          return -1;
        }
        int k = (int) Math.min(len, n - pos);
        fill(b, off, k, pos, seed);
        pos += k;
        return k;
      }

      @Override
      public long skip(long k) {
        long s = Math.max(0, Math.min(k, n - pos));
        pos += s;
        return s;
      }

      @Override
      public int available() {
        return (int) Math.min(Integer.MAX_VALUE, n - pos);
      }
    };
  }

  /** SHA-256 of the first {@code n} pattern bytes for {@code seed}, as lower-case hex. */
  public static String sha256Hex(long n, long seed) {
    MessageDigest md = sha256();
    try (InputStream in = inputStream(n, seed)) {
      byte[] buf = new byte[32 * 1024];
      for (int k; (k = in.read(buf)) > 0; ) {
        md.update(buf, 0, k);
      }
    } catch (IOException e) {
      throw new AssertionError(e); // the pattern stream does no I/O
    }
    return hex(md.digest());
  }

  /** The reply of the Go peer's {@code sink} to {@code n} pattern bytes of {@code seed}. */
  public static String sinkReply(long n, long seed) {
    return n + " " + sha256Hex(n, seed);
  }

  /** The reply of the Go peer's {@code sink} to exactly {@code data}. */
  public static String sinkReply(byte[] data) {
    return data.length + " " + sha256Hex(data);
  }

  /** SHA-256 of {@code data}, as lower-case hex. */
  public static String sha256Hex(byte[] data) {
    return hex(sha256().digest(data));
  }

  /** A fresh SHA-256 digest. */
  public static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every JDK has SHA-256", e);
    }
  }

  /** Lower-case hex, as in the Go peer's replies. */
  public static String hex(byte[] bytes) {
    return HEX.formatHex(bytes);
  }

  /** {@code seed} as the Go peer's commands and flags accept it (unsigned decimal). */
  public static String seedArg(long seed) {
    return Long.toUnsignedString(seed);
  }
}
