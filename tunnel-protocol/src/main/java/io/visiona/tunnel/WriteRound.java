package io.visiona.tunnel;

import java.io.IOException;

/**
 * Both of {@link FrameWriter}'s queues, taken whole for one round of transport writes: control
 * frames first, then data, in pieces of at most {@link #CHUNK} bytes.
 */
record WriteRound(byte[] control, int controlLength, byte[] data, int dataLength) {

  /**
   * Largest single transport write. A round goes out in pieces of at most this size so that the
   * stuck-write watchdog sees progress on a slow link: the session is stuck only when no piece was
   * taken for the write timeout (a link slower than this per write timeout counts as stuck).
   */
  static final int CHUNK = 64 * 1024;

  /** Writes the round; {@code progress} runs after each piece the transport took. */
  void writeTo(Transport transport, Runnable progress) throws IOException {
    writeChunked(transport, control, controlLength, progress);
    writeChunked(transport, data, dataLength, progress);
  }

  private static void writeChunked(Transport transport, byte[] buf, int len, Runnable progress)
      throws IOException {
    for (int off = 0; off < len; ) {
      int n = Math.min(len - off, CHUNK);
      transport.write(buf, off, n);
      progress.run();
      off += n;
    }
  }
}
