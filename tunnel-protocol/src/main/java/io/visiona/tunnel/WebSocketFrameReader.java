package io.visiona.tunnel;

import java.io.IOException;
import java.io.InputStream;

/**
 * The receiving half of {@link BlockingWebSocketTransport}: parses the server's frames (RFC 6455
 * §5) from one read buffer and hands binary payload straight to the session's parser (one copy).
 * Control frames and violations go to the transport through {@link Control}. Used by the
 * transport's reader thread only (and by the upgrade before it, which reads the answer's head into
 * the same buffer).
 */
final class WebSocketFrameReader {

  static final int OP_CONTINUATION = 0x0;
  static final int OP_TEXT = 0x1;
  static final int OP_BINARY = 0x2;
  static final int OP_CLOSE = 0x8;
  static final int OP_PING = 0x9;
  static final int OP_PONG = 0xA;

  /** Read buffer; also the bound of the upgrade answer's head (see {@link WebSocketUpgrade}). */
  static final int READ_BUFFER = 64 * 1024;

  /** What the transport does about the frames that are not payload. */
  interface Control {
    /** The server pinged: answer with a pong carrying the same bytes. */
    void ping(byte[] payload, int off, int len) throws IOException;

    /** The server sent its close frame with {@code code} (1000 when it gave none). */
    void closeReceived(int code) throws IOException;

    /** The server broke the protocol: close with {@code code}; returns the error to end with. */
    IOException refuse(int code, String problem);

    /** The connection ended without a close frame; returns the error to end with. */
    IOException endedWithoutClose();
  }

  private final InputStream in;
  private final int maxFrameSize;
  private final Control control;

  // Received bytes are buf[pos, lim).
  private final byte[] buf = new byte[READ_BUFFER];
  private int pos;
  private int lim;
  private final Transport.ByteSource source = new BufferSource();

  WebSocketFrameReader(InputStream in, int maxFrameSize, Control control) {
    this.in = in;
    this.maxFrameSize = maxFrameSize;
    this.control = control;
  }

  /** The read buffer, for the upgrade to read the answer's head into. */
  byte[] buffer() {
    return buf;
  }

  /** Frames start at {@code start}; the buffer holds bytes up to {@code filled}. */
  void framesFrom(int start, int filled) {
    pos = start;
    lim = filled;
  }

  /** Reads frames until the close handshake (returns null) or an error (returns it). */
  IOException readFrames(Transport.Receiver receiver) throws IOException {
    boolean inMessage = false;
    while (true) {
      if (!fill(2)) {
        return control.endedWithoutClose();
      }
      int b0 = buf[pos] & 0xff;
      int b1 = buf[pos + 1] & 0xff;
      int opcode = b0 & 0x0f;
      boolean fin = (b0 & 0x80) != 0;
      int len7 = b1 & 0x7f;
      int headerSize = len7 == 126 ? 4 : len7 == 127 ? 10 : 2;
      if ((b1 & 0x80) != 0) {
        return control.refuse(1002, "masked frame from the server");
      }
      if ((b0 & 0x70) != 0) {
        return control.refuse(1002, "reserved bits set, no extension was negotiated");
      }
      if (!fill(headerSize)) {
        return control.endedWithoutClose();
      }
      long len =
          len7 == 126
              ? (buf[pos + 2] & 0xffL) << 8 | (buf[pos + 3] & 0xffL)
              : len7 == 127 ? readLong(pos + 2) : len7;
      pos += headerSize;
      if (opcode >= OP_CLOSE && (len > 125 || !fin)) {
        return control.refuse(1002, "bad control frame");
      }
      switch (opcode) {
        case OP_BINARY, OP_CONTINUATION -> {
          if (inMessage == (opcode == OP_BINARY)) {
            return control.refuse(1002, "bad fragmentation");
          }
          if (len < 0 || len > maxFrameSize) {
            return control.refuse(1009, "frame of " + len + " bytes, limit " + maxFrameSize);
          }
          if (!deliver(receiver, len)) {
            return control.endedWithoutClose();
          }
          inMessage = !fin;
        }
        case OP_TEXT -> {
          return control.refuse(1003, "text message on a yamux WebSocket");
        }
        case OP_CLOSE -> {
          if (!fill((int) len)) {
            return control.endedWithoutClose();
          }
          int code = len >= 2 ? (buf[pos] & 0xff) << 8 | (buf[pos + 1] & 0xff) : 1000;
          pos += (int) len;
          control.closeReceived(code);
          return null;
        }
        case OP_PING -> {
          if (!fill((int) len)) {
            return control.endedWithoutClose();
          }
          control.ping(buf, pos, (int) len);
          pos += (int) len;
        }
        case OP_PONG -> {
          if (!fill((int) len)) {
            return control.endedWithoutClose();
          }
          pos += (int) len;
        }
        default -> {
          return control.refuse(1002, "unknown opcode " + opcode);
        }
      }
    }
  }

  /** Hands {@code len} payload bytes to the session; false if the connection ended first. */
  private boolean deliver(Transport.Receiver receiver, long len) throws IOException {
    for (long left = len; left > 0; ) {
      if (pos == lim) {
        pos = 0;
        lim = 0;
        int n = in.read(buf, 0, buf.length);
        if (n < 0) {
          return false;
        }
        lim = n;
      }
      int n = (int) Math.min(left, lim - pos);
      int start = pos;
      receiver.receive(source, n);
      pos = start + n; // the session takes exactly n bytes
      left -= n;
    }
    return true;
  }

  /**
   * Makes {@code n} (at most the buffer's size) bytes available from pos; false at end of input.
   */
  private boolean fill(int n) throws IOException {
    if (lim - pos >= n) {
      return true;
    }
    if (buf.length - pos < n) {
      System.arraycopy(buf, pos, buf, 0, lim - pos);
      lim -= pos;
      pos = 0;
    }
    while (lim - pos < n) {
      int r = in.read(buf, lim, buf.length - lim);
      if (r < 0) {
        return false;
      }
      lim += r;
    }
    return true;
  }

  private long readLong(int at) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = v << 8 | (buf[at + i] & 0xffL);
    }
    return v;
  }

  /** The read buffer from pos, consumed by the session as it parses. */
  private final class BufferSource implements Transport.ByteSource {
    @Override
    public void read(byte[] dst, int off, int len) {
      System.arraycopy(buf, pos, dst, off, len);
      pos += len;
    }

    @Override
    public void skip(int len) {
      pos += len;
    }
  }
}
