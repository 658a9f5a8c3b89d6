package io.visiona.tunnel;

import java.io.IOException;

/**
 * What {@link FrameParser} hands each parsed frame to: the session's inbound side. Called on the
 * transport's delivering thread, one call at a time (see {@link Transport}); no call waits for the
 * application.
 */
interface FrameHandler {

  /** Where a kept Data payload goes, piece by piece as it arrives. */
  interface PayloadSink {
    void accept(Transport.ByteSource bytes, int len) throws IOException;
  }

  /**
   * A Data frame with a payload begins (its SYN/ACK take effect): where the payload goes, or {@code
   * null} to drop it. {@link #dataFinished} follows once the payload has arrived.
   */
  PayloadSink dataStarted(FrameHeader h) throws IOException;

  /** The payload of the Data frame begun by {@link #dataStarted} has arrived: FIN/RST apply. */
  void dataFinished(FrameHeader h, boolean kept) throws IOException;

  /** A WindowUpdate, or a Data frame without payload: SYN/ACK, window delta, FIN/RST. */
  void streamFrame(FrameHeader h) throws IOException;

  void ping(FrameHeader h) throws IOException;

  void goAway(FrameHeader h);

  /** The peer broke the protocol: nothing after this frame is parsed. */
  void protocolError(ProtocolException e);

  /** Input ended: the peer closed the connection, or the transport failed. */
  void inputEnded(IOException cause);
}
