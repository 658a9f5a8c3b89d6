package io.visiona.tunnel;

import java.io.IOException;

/**
 * Both of {@link FrameWriter}'s queues, taken whole for one round of transport writes: control
 * frames first, then data. The transport reports progress at least every {@link Transport#PIECE}
 * bytes, so the stuck-write watchdog sees a slow link move: the session is stuck only when no piece
 * was taken for the write timeout (a link slower than 64 KiB per write timeout counts as stuck).
 */
record WriteRound(byte[] control, int controlLength, byte[] data, int dataLength) {

  /** Writes the round; {@code progress} runs after each part the transport took. */
  void writeTo(Transport transport, Runnable progress) throws IOException {
    if (controlLength > 0) {
      transport.write(control, 0, controlLength, progress);
    }
    if (dataLength > 0) {
      transport.write(data, 0, dataLength, progress);
    }
  }
}
