package io.visiona.tunnel;

import static io.visiona.tunnel.FrameHeader.TYPE_DATA;
import static io.visiona.tunnel.FrameHeader.TYPE_GO_AWAY;
import static io.visiona.tunnel.FrameHeader.TYPE_PING;
import static io.visiona.tunnel.FrameHeader.TYPE_WINDOW_UPDATE;

import java.io.IOException;

/**
 * The session's receiving side: parses frames out of bytes in whatever pieces the transport
 * delivers them and dispatches each one on the delivering thread. A Data payload is copied from the
 * transport's bytes straight into its stream's buffer, piece by piece as it arrives, so a large
 * frame never needs a buffer of its own and a reading application wakes with the first piece.
 *
 * <p>Confined to the transport's delivering thread (one call at a time, each finished before the
 * next). After the first failure, everything else received is dropped.
 */
final class FrameParser implements Transport.Receiver {

  private final Session session;
  private final byte[] header = new byte[FrameHeader.SIZE];
  private int headerBytes;

  // The Data frame whose payload is arriving (null between frames), its stream (null: unknown or
  // refused) and whether the stream keeps the payload or it is dropped.
  private FrameHeader frame;
  private Stream target;
  private boolean keep;
  private long payloadLeft;

  private volatile boolean done;

  FrameParser(Session session) {
    this.session = session;
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
          if (keep) {
            target.onDataBytes(bytes, n);
          } else {
            bytes.skip(n);
          }
          left -= n;
          payloadLeft -= n;
          if (payloadLeft == 0) {
            endOfPayload();
          }
        }
      }
    } catch (ProtocolException e) {
      done = true;
      session.protocolError(e);
    } catch (IOException | RuntimeException e) {
      done = true;
      session.inputEnded(e instanceof IOException io ? io : new IOException(e));
    }
    if (left > 0) {
      bytes.skip(left); // the session has failed: drop the rest
    }
  }

  private void onHeader(FrameHeader h) throws IOException {
    session.frameArrived();
    switch (h.type()) {
      case TYPE_DATA, TYPE_WINDOW_UPDATE -> {
        Stream stream = session.streamFor(h);
        if (h.type() == TYPE_DATA && h.length() != 0) {
          frame = h;
          target = stream;
          payloadLeft = h.unsignedLength();
          keep = stream != null && stream.onDataStart(payloadLeft);
        } else {
          session.endOfStreamFrame(h, stream);
        }
      }
      case TYPE_PING -> session.onPing(h);
      case TYPE_GO_AWAY -> session.onGoAway(h);
      default -> throw new ProtocolException("unknown frame type " + h.type());
    }
  }

  private void endOfPayload() throws IOException {
    FrameHeader h = frame;
    Stream stream = target;
    frame = null;
    target = null;
    if (keep) {
      session.countBytesIn(h.unsignedLength());
    }
    session.endOfStreamFrame(h, stream);
  }

  @Override
  public void endOfInput() {
    if (!done) {
      done = true;
      session.inputEnded(new SessionClosedException("peer closed the connection", null));
    }
  }

  @Override
  public void fail(IOException cause) {
    if (!done) {
      done = true;
      session.inputEnded(cause);
    }
  }
}
