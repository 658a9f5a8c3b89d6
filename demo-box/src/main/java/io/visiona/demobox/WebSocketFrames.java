package io.visiona.demobox;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** RFC 6455 frames, the server's side: client frames must be masked, server frames are not. */
final class WebSocketFrames {

  static final int CONTINUATION = 0x0;
  static final int TEXT = 0x1;
  static final int BINARY = 0x2;
  static final int CLOSE = 0x8;
  static final int PING = 0x9;
  static final int PONG = 0xA;

  /** Close codes (RFC 6455 §7.4.1). */
  static final int NORMAL = 1000;

  static final int PROTOCOL_ERROR = 1002;
  static final int TOO_BIG = 1009;

  /** One received frame, unmasked. */
  record Frame(boolean fin, int opcode, byte[] payload) {
    boolean control() {
      return (opcode & 0x8) != 0;
    }
  }

  /** The peer broke the protocol; answer with a close of {@link #closeCode()}. */
  static final class ProtocolViolation extends Exception {
    private static final long serialVersionUID = 1L;
    private final int closeCode;

    ProtocolViolation(int closeCode, String message) {
      super(message, null, false, false);
      this.closeCode = closeCode;
    }

    int closeCode() {
      return closeCode;
    }
  }

  private WebSocketFrames() {}

  /** The next frame; payloads larger than {@code maxPayload} are refused before being read. */
  static Frame read(InputStream in, int maxPayload) throws IOException, ProtocolViolation {
    DataInputStream data = new DataInputStream(in);
    int b0 = in.read();
    if (b0 < 0) {
      throw new EOFException("connection ended without a close frame");
    }
    int b1 = data.readUnsignedByte();
    boolean fin = (b0 & 0x80) != 0;
    int opcode = b0 & 0x0f;
    if ((b0 & 0x70) != 0) {
      throw new ProtocolViolation(PROTOCOL_ERROR, "reserved bits set");
    }
    if (opcode != CONTINUATION
        && opcode != TEXT
        && opcode != BINARY
        && opcode != CLOSE
        && opcode != PING
        && opcode != PONG) {
      throw new ProtocolViolation(PROTOCOL_ERROR, "unknown opcode " + opcode);
    }
    if ((b1 & 0x80) == 0) {
      throw new ProtocolViolation(PROTOCOL_ERROR, "client frames must be masked");
    }
    long length = b1 & 0x7f;
    if (length == 126) {
      length = data.readUnsignedShort();
    } else if (length == 127) {
      length = data.readLong();
      if (length < 0) {
        throw new ProtocolViolation(PROTOCOL_ERROR, "negative length");
      }
    }
    boolean control = (opcode & 0x8) != 0;
    if (control && (!fin || length > 125)) {
      throw new ProtocolViolation(PROTOCOL_ERROR, "control frames are single and short");
    }
    if (length > maxPayload) {
      throw new ProtocolViolation(TOO_BIG, "frames of more than " + maxPayload + " bytes");
    }
    byte[] mask = new byte[4];
    data.readFully(mask);
    byte[] payload = new byte[(int) length];
    data.readFully(payload);
    for (int i = 0; i < payload.length; i++) {
      payload[i] ^= mask[i & 3];
    }
    return new Frame(fin, opcode, payload);
  }

  /** Writes one unmasked frame and flushes it. */
  static void write(OutputStream out, boolean fin, int opcode, byte[] payload) throws IOException {
    int n = payload.length;
    out.write((fin ? 0x80 : 0) | opcode);
    if (n < 126) {
      out.write(n);
    } else if (n < 65536) {
      out.write(126);
      out.write(n >>> 8);
      out.write(n);
    } else {
      out.write(127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        out.write((int) ((long) n >>> shift));
      }
    }
    out.write(payload);
    out.flush();
  }

  /** A close frame's payload: the code and a short reason. */
  static byte[] closePayload(int code, String reason) {
    byte[] r = reason.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] p = new byte[2 + Math.min(r.length, 123)];
    p[0] = (byte) (code >>> 8);
    p[1] = (byte) code;
    System.arraycopy(r, 0, p, 2, p.length - 2);
    return p;
  }
}
