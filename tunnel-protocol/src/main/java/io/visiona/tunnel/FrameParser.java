package io.visiona.tunnel;

import static io.visiona.tunnel.FrameHeader.TYPE_DATA;
import static io.visiona.tunnel.FrameHeader.TYPE_GO_AWAY;
import static io.visiona.tunnel.FrameHeader.TYPE_PING;
import static io.visiona.tunnel.FrameHeader.TYPE_WINDOW_UPDATE;

import java.io.IOException;

/**
 * Parses frames out of bytes in whatever pieces the transport delivers them and hands each one to a
 * {@link FrameHandler} on the delivering thread. A Data payload is passed on piece by piece as it
 * arrives (straight into its stream's buffer), so a large frame never needs a buffer of its own and
 * a reading application wakes with the first piece.
 *
 * <p>Confined to the transport's delivering thread (one call at a time, each finished before the
 * next). After the first failure, everything else received is dropped.
 */
final class FrameParser implements Transport.Receiver {

  private final FrameHandler handler;
  private final byte[] header = new byte[FrameHeader.SIZE];
  private int headerBytes;

  // The Data frame whose payload is arriving (null between frames) and where it goes (null: drop).
  private FrameHeader frame;
  private FrameHandler.PayloadSink sink;
  private long payloadLeft;

  private volatile boolean done;

  FrameParser(FrameHandler handler) {
    this.handler = handler;
  }

  @Override
  public void receive(Transport.ByteSource bytes, int length) throws IOException {
    int left = length;
    try {
      while (left > 0 && !done) {
        if (frame == null) {
          int n = Math.min(FrameHeader.SIZE - headerBytes, left);
          bytes.read(header, headerBytes, n);
          left -= n;
          headerBytes += n;
          if (headerBytes == FrameHeader.SIZE) {
            headerBytes = 0;
            onHeader(FrameHeader.decode(header, 0));
          }
        } else {
          int n = (int) Math.min(payloadLeft, left);
          if (sink != null) {
            sink.accept(bytes, n);
          } else {
            bytes.skip(n);
          }
          left -= n;
          payloadLeft -= n;
          if (payloadLeft == 0) {
            FrameHeader h = frame;
            boolean kept = sink != null;
            frame = null;
            sink = null;
            handler.dataFinished(h, kept);
          }
        }
      }
    } catch (ProtocolException e) {
      done = true;
      handler.protocolError(e);
    } catch (IOException | RuntimeException e) {
      done = true;
      handler.inputEnded(e instanceof IOException io ? io : new IOException(e));
    }
    if (left > 0) {
      bytes.skip(left); // the session has failed: drop the rest
    }
  }

  private void onHeader(FrameHeader h) throws IOException {
    switch (h.type()) {
      case TYPE_DATA -> {
        if (h.length() == 0) {
          handler.streamFrame(h);
        } else {
          frame = h;
          payloadLeft = h.unsignedLength();
          sink = handler.dataStarted(h);
        }
      }
      case TYPE_WINDOW_UPDATE -> handler.streamFrame(h);
      case TYPE_PING -> handler.ping(h);
      case TYPE_GO_AWAY -> handler.goAway(h);
      default -> throw new ProtocolException("unknown frame type " + h.type());
    }
  }

  @Override
  public void endOfInput() {
    if (!done) {
      done = true;
      handler.inputEnded(new SessionClosedException("peer closed the connection", null));
    }
  }

  @Override
  public void fail(IOException cause) {
    if (!done) {
      done = true;
      handler.inputEnded(cause);
    }
  }
}
