package io.visiona.tunnel;

import static io.visiona.tunnel.FrameHeader.FLAG_ACK;
import static io.visiona.tunnel.FrameHeader.FLAG_FIN;
import static io.visiona.tunnel.FrameHeader.FLAG_RST;
import static io.visiona.tunnel.FrameHeader.FLAG_SYN;
import static io.visiona.tunnel.FrameHeader.TYPE_DATA;
import static io.visiona.tunnel.FrameHeader.TYPE_WINDOW_UPDATE;

import java.io.IOException;

/**
 * The session's inbound side: what each received frame does. Opens the peer's streams (or refuses
 * them with RST), routes payload and flags to streams, answers pings, and hands GoAway, protocol
 * errors and the end of input to the session.
 */
final class InboundDispatcher implements FrameHandler {

  private static final System.Logger LOG = System.getLogger(Session.class.getName());

  private final Session session;
  private final Config config;
  private final boolean client;
  private final StreamTable streams;
  private final AcceptQueue acceptQueue;
  private final StreamHost host;
  private final FrameWriter writer;
  private final Pinger pinger;
  private final SessionCounters counters;
  private volatile long lastFrameNanos = System.nanoTime();

  InboundDispatcher(
      Session session,
      StreamTable streams,
      AcceptQueue acceptQueue,
      StreamHost host,
      FrameWriter writer,
      Pinger pinger,
      SessionCounters counters) {
    this.session = session;
    this.config = session.config();
    this.client = session.isClient();
    this.streams = streams;
    this.acceptQueue = acceptQueue;
    this.host = host;
    this.writer = writer;
    this.pinger = pinger;
    this.counters = counters;
  }

  /** When the last frame arrived ({@link System#nanoTime()}): any frame proves the peer alive. */
  long lastFrameNanos() {
    return lastFrameNanos;
  }

  @Override
  public PayloadSink dataStarted(FrameHeader h) throws IOException {
    lastFrameNanos = System.nanoTime();
    Stream stream = streamFor(h);
    return stream == null ? null : stream.onDataStart(h.unsignedLength());
  }

  @Override
  public void dataFinished(FrameHeader h, boolean kept) throws IOException {
    if (kept) {
      counters.bytesIn(h.unsignedLength());
    }
    applyFlags(h, streams.get(h.streamId()));
  }

  @Override
  public void streamFrame(FrameHeader h) throws IOException {
    lastFrameNanos = System.nanoTime();
    applyFlags(h, streamFor(h));
  }

  @Override
  public void ping(FrameHeader h) throws IOException {
    lastFrameNanos = System.nanoTime();
    if (h.has(FLAG_SYN)) {
      writer.pong(h.length());
    } else if (h.has(FLAG_ACK)) {
      pinger.pongReceived(h.length());
    }
  }

  @Override
  public void goAway(FrameHeader h) {
    lastFrameNanos = System.nanoTime();
    session.goAwayReceived(h.length());
  }

  @Override
  public void protocolError(ProtocolException e) {
    session.protocolError(e);
  }

  @Override
  public void inputEnded(IOException cause) {
    session.inputEnded(cause);
  }

  /**
   * The stream a Data or WindowUpdate frame is for: opens it on SYN and takes an ACK. Null if the
   * frame is to be ignored (a stream we no longer know, or one refused with RST).
   */
  private Stream streamFor(FrameHeader h) throws IOException {
    int id = h.streamId();
    if (id == 0) {
      throw new ProtocolException("stream frame on stream 0");
    }
    boolean data = h.type() == TYPE_DATA;
    Stream stream;
    if (h.has(FLAG_SYN)) {
      stream = incoming(id, h.unsignedLength(), data);
    } else {
      stream = streams.get(id);
      // A stream we no longer know (reset, finished): ignore it, dropping any payload, as hashicorp
      // does. The length check keeps a hostile peer from making us drain gigabytes.
      if (stream == null && data && h.unsignedLength() > config.maxWindow()) {
        throw new ProtocolException("frame of " + h.unsignedLength() + " bytes on unknown stream");
      }
    }
    if (stream != null && h.has(FLAG_ACK)) {
      stream.onAck();
    }
    return stream;
  }

  /** The window delta, FIN and RST of a stream frame that has fully arrived. */
  private static void applyFlags(FrameHeader h, Stream stream) throws IOException {
    if (stream == null) {
      return;
    }
    if (h.type() == TYPE_WINDOW_UPDATE && !h.has(FLAG_RST)) {
      // An RST's length is not a window delta.
      stream.onWindowUpdate(h.unsignedLength());
    }
    if (h.has(FLAG_FIN)) {
      stream.onRemoteFin();
    }
    if (h.has(FLAG_RST)) {
      stream.onRemoteReset();
    }
  }

  /** A SYN from the peer: the new stream, or null if it was refused with RST. */
  private Stream incoming(int id, long length, boolean data) throws IOException {
    boolean peerParity = (id & 1) == (client ? 0 : 1);
    if (!peerParity) {
      throw new ProtocolException("SYN with the wrong parity for stream " + id);
    }
    if (streams.contains(id)) {
      throw new ProtocolException("duplicate SYN for stream " + id);
    }
    if (data && length > config.initialWindow()) {
      throw new ProtocolException("SYN frame larger than the initial window");
    }
    ResetReason refusal = null;
    if (session.refusesNewStreams()) {
      refusal = ResetReason.GOING_AWAY;
    } else if (streams.full()) {
      refusal = ResetReason.TOO_MANY_STREAMS;
    } else if (!streams.reserve(config.initialWindow())) {
      refusal = ResetReason.MEMORY_BUDGET;
    }
    if (refusal == null) {
      Stream stream = new Stream(host, id, false, config.initialWindow());
      streams.add(stream);
      if (acceptQueue.offer(stream)) {
        return stream;
      }
      streams.remove(stream, config.initialWindow());
      refusal = ResetReason.ACCEPT_BACKLOG_FULL;
    }
    ResetReason reason = refusal;
    LOG.log(System.Logger.Level.DEBUG, () -> "refusing stream " + id + ": " + reason.description());
    host.sendReset(id, reason);
    return null;
  }
}
