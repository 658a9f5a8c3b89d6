package io.visiona.tunnel;

import java.io.EOFException;
import java.io.IOException;

/**
 * Buffered reading of frames from a transport: whole headers, then payloads handed over in the
 * pieces that have arrived, so a large frame never needs a buffer of its own.
 *
 * <p>A read goes into the large buffer only when the transport already holds enough bytes for it;
 * otherwise (light traffic, or nothing to read, where the read blocks) into a small one, and the
 * large buffer is let go. An idle session therefore waits holding the small buffer only.
 */
final class FrameReader {

  /** Receives payload bytes as they arrive. */
  interface PayloadSink {
    void accept(byte[] buf, int off, int len) throws IOException;
  }

  /** The buffer an idle or lightly used session reads into. */
  static final int SMALL_BUFFER = 2048;

  private final Transport transport;
  private final int largeSize;
  private final byte[] small = new byte[SMALL_BUFFER];
  private final byte[] header = new byte[FrameHeader.SIZE];
  private volatile byte[] buf = small;
  private int pos;
  private int limit;

  FrameReader(Transport transport, int largeBufferSize) {
    this.transport = transport;
    this.largeSize = Math.max(largeBufferSize, SMALL_BUFFER);
  }

  /** The next header; {@link EOFException} if the transport ends cleanly between frames. */
  FrameHeader readHeader() throws IOException {
    int have = 0;
    while (have < FrameHeader.SIZE) {
      if (pos == limit && !fill()) {
        throw new EOFException(have == 0 ? "transport closed" : "transport closed mid-header");
      }
      int n = Math.min(FrameHeader.SIZE - have, limit - pos);
      System.arraycopy(buf, pos, header, have, n);
      pos += n;
      have += n;
    }
    return FrameHeader.decode(header, 0);
  }

  /** Passes the next {@code length} bytes to {@code sink} in the chunks that are available. */
  void readPayload(long length, PayloadSink sink) throws IOException {
    long left = length;
    while (left > 0) {
      if (pos == limit && !fill()) {
        throw new EOFException("transport closed mid-frame");
      }
      int n = (int) Math.min(left, limit - pos);
      sink.accept(buf, pos, n);
      pos += n;
      left -= n;
    }
  }

  /** Reads and drops {@code length} bytes. */
  void skip(long length) throws IOException {
    readPayload(length, (b, o, l) -> {});
  }

  private boolean fill() throws IOException {
    chooseBuffer();
    int n = transport.read(buf, 0, buf.length);
    if (n < 0) {
      return false;
    }
    pos = 0;
    limit = n;
    return true;
  }

  /** Called once the buffer is consumed: picks the buffer for the next read. */
  private void chooseBuffer() throws IOException {
    if (largeSize > SMALL_BUFFER && transport.available() >= SMALL_BUFFER) {
      if (buf == small) {
        buf = new byte[largeSize];
      }
    } else {
      buf = small;
    }
  }

  /** Bytes of read buffer currently held (for tests and memory accounting). */
  int retainedBytes() {
    return buf == small ? small.length : small.length + buf.length;
  }
}
