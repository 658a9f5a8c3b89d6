package io.visiona.tunnel;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** RFC 6455 masking, eight bytes at a time through a {@code long} view of the arrays. */
final class WebSocketMask {

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private WebSocketMask() {}

  /**
   * Copies {@code len} bytes from {@code src} to {@code dst}, XORed with the masking key {@code
   * key} (big-endian, as sent); {@code position} is the offset of {@code src[srcOff]} within the
   * frame's payload. {@code src} and {@code dst} may be the same array at the same offset.
   */
  static void mask(
      byte[] src, int srcOff, byte[] dst, int dstOff, int len, int key, long position) {
    int rotated = Integer.rotateLeft(key, 8 * (int) (position & 3));
    long wide = (rotated & 0xFFFF_FFFFL) << 32 | (rotated & 0xFFFF_FFFFL);
    int i = 0;
    for (; i + 8 <= len; i += 8) {
      LONGS.set(dst, dstOff + i, (long) LONGS.get(src, srcOff + i) ^ wide);
    }
    for (; i < len; i++) {
      dst[dstOff + i] = (byte) (src[srcOff + i] ^ (rotated >>> (24 - 8 * (i & 3))));
    }
  }
}
