package io.visiona.proxy.ws;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.websocket.WsCloseCodes;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Decodes WebSocket frames from a client (RFC 6455 §5.2, always masked) straight off a Helidon
 * connection's {@link DataReader}.
 *
 * <p>Helidon 4.2's own decoder ({@code io.helidon.websocket.ClientWsFrame}) unmasks one byte at a
 * time through {@code BufferData.read()}; a frame larger than one socket read (8 KiB) is a list of
 * chunks and every {@code read()} walks that list from its start, so decoding costs (bytes ×
 * chunks): ≈ 50–60 MiB/s for 40 KB frames and a few MiB/s for 2 MiB frames. Here payload bytes are
 * copied chunk by chunk ({@code System.arraycopy}) and unmasked eight at a time.
 */
final class ClientFrames {

  static final int CONTINUATION = 0x0;
  static final int TEXT = 0x1;
  static final int BINARY = 0x2;
  static final int CLOSE = 0x8;
  static final int PING = 0x9;
  static final int PONG = 0xA;

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private ClientFrames() {}

  /** A frame header; {@code mask} is the masking key, first key byte in the high bits. */
  record Header(int opCode, boolean fin, int length, int mask) {
    boolean control() {
      return (opCode & 0x8) != 0;
    }
  }

  /** A frame the connection must end on, with the close code to send. */
  static final class ProtocolException extends Exception {
    private final int closeCode;

    ProtocolException(int closeCode, String message) {
      super(message, null, false, false);
      this.closeCode = closeCode;
    }

    int closeCode() {
      return closeCode;
    }
  }

  /**
   * Reads a frame header and masking key (blocks for them).
   *
   * @throws ProtocolException on reserved bits, unknown op codes, unmasked frames, malformed
   *     control frames or a payload over {@code maxFrameLength}
   */
  static Header readHeader(DataReader reader, int maxFrameLength) throws ProtocolException {
    int b0 = reader.read() & 0xFF;
    int b1 = reader.read() & 0xFF;
    boolean fin = (b0 & 0x80) != 0;
    if ((b0 & 0x70) != 0) {
      throw new ProtocolException(WsCloseCodes.PROTOCOL_ERROR, "reserved bits set");
    }
    int opCode = b0 & 0x0F;
    switch (opCode) {
      case CONTINUATION, TEXT, BINARY, CLOSE, PING, PONG -> {
        // known
      }
      default -> throw new ProtocolException(WsCloseCodes.PROTOCOL_ERROR, "op code " + opCode);
    }
    if ((b1 & 0x80) == 0) {
      throw new ProtocolException(WsCloseCodes.PROTOCOL_ERROR, "unmasked client frame");
    }
    long length = b1 & 0x7F;
    if (length == 126) {
      length = ((reader.read() & 0xFF) << 8) | (reader.read() & 0xFF);
    } else if (length == 127) {
      length = 0;
      for (int i = 0; i < 8; i++) {
        length = (length << 8) | (reader.read() & 0xFF);
      }
      if (length < 0) {
        throw new ProtocolException(WsCloseCodes.PROTOCOL_ERROR, "negative payload length");
      }
    }
    if ((opCode & 0x8) != 0 && (length > 125 || !fin)) {
      throw new ProtocolException(WsCloseCodes.PROTOCOL_ERROR, "malformed control frame");
    }
    if (length > maxFrameLength) {
      throw new ProtocolException(WsCloseCodes.TOO_BIG, "payload too large");
    }
    int mask = 0;
    for (int i = 0; i < 4; i++) {
      mask = (mask << 8) | (reader.read() & 0xFF);
    }
    return new Header(opCode, fin, (int) length, mask);
  }

  /**
   * Bytes of the payload that can be read without blocking, at least one (blocks for that one), at
   * most {@code left}.
   */
  static int buffered(DataReader reader, int left) {
    reader.ensureAvailable();
    return Math.min(left, reader.available());
  }

  /**
   * Copies {@code len} payload bytes, unmasked, into {@code dst}; {@code position} is the offset of
   * the first of them within the frame's payload (it selects the masking key byte). Blocks if fewer
   * than {@code len} bytes are buffered.
   */
  static void readPayload(
      DataReader reader, byte[] dst, int off, int len, int mask, long position) {
    int done = 0;
    while (done < len) {
      reader.ensureAvailable();
      int n = Math.min(len - done, reader.available());
      BufferData chunk = reader.readBuffer(n);
      int copied = 0;
      while (copied < n) {
        copied += chunk.read(dst, off + done + copied, n - copied);
      }
      done += n;
    }
    unmask(dst, off, len, mask, position);
  }

  /** Reads and unmasks a whole (small) payload, for control frames. */
  static byte[] readSmallPayload(DataReader reader, Header header) {
    byte[] payload = new byte[header.length()];
    readPayload(reader, payload, 0, payload.length, header.mask(), 0);
    return payload;
  }

  /** Skips {@code len} payload bytes. */
  static void skipPayload(DataReader reader, int len) {
    reader.skip(len);
  }

  /**
   * XORs {@code b[off, off+len)} with the masking key, starting at key byte {@code position % 4}.
   */
  static void unmask(byte[] b, int off, int len, int mask, long position) {
    int key = Integer.rotateLeft(mask, 8 * (int) (position & 3));
    long key8 = ((long) key << 32) | (key & 0xFFFFFFFFL);
    int i = off;
    int end = off + len;
    for (; i + 8 <= end; i += 8) {
      LONGS.set(b, i, (long) LONGS.get(b, i) ^ key8);
    }
    for (int j = 0; i < end; i++, j++) {
      b[i] ^= (byte) (key >>> (24 - 8 * (j & 3)));
    }
  }
}
