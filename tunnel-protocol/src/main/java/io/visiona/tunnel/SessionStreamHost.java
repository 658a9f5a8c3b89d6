package io.visiona.tunnel;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;

/**
 * A session's {@link StreamHost}: connects each stream to the session's writer, table, counters.
 */
final class SessionStreamHost implements StreamHost {

  private final Session session;
  private final FrameWriter writer;
  private final StreamTable streams;
  private final Pinger pinger;
  private final SessionCounters counters;
  private final AckBacklog ackBacklog;

  SessionStreamHost(
      Session session,
      FrameWriter writer,
      StreamTable streams,
      Pinger pinger,
      SessionCounters counters,
      AckBacklog ackBacklog) {
    this.session = session;
    this.writer = writer;
    this.streams = streams;
    this.pinger = pinger;
    this.counters = counters;
    this.ackBacklog = ackBacklog;
  }

  @Override
  public Session session() {
    return session;
  }

  @Override
  public Config config() {
    return session.config();
  }

  @Override
  public long rttNanos() {
    return pinger.rttNanos();
  }

  @Override
  public boolean reserveWindow(long bytes) {
    return streams.reserve(bytes);
  }

  @Override
  public void sendData(int streamId, byte[] b, int off, int len, long deadlineNanos)
      throws IOException {
    writer.data(streamId, b, off, len, deadlineNanos);
  }

  @Override
  public void sendFin(int streamId, long deadlineNanos) throws IOException {
    writer.fin(streamId, deadlineNanos);
  }

  @Override
  public void sendWindowUpdate(Stream stream, long delta) {
    try {
      writer.windowUpdate(stream.id(), delta, stream::isReceiving);
    } catch (IOException ignored) {
      // The session is closing; the stream learns it from onSessionClosed.
    }
  }

  @Override
  public void sendReset(int streamId, ResetReason reason) {
    counters.reset(reason); // before sending, so the stats never lag the wire
    try {
      writer.rst(streamId);
    } catch (IOException ignored) {
      // The session is closing; nothing to reset.
    }
  }

  @Override
  public void countRemoteReset() {
    counters.reset(ResetReason.REMOTE);
  }

  @Override
  public void countBytesOut(long n) {
    counters.bytesOut(n);
  }

  @Override
  public void countWindowStall() {
    counters.windowStall();
  }

  @Override
  public void ackReceived() {
    ackBacklog.release();
  }

  @Override
  public void released(Stream stream, int windowTarget) {
    streams.remove(stream, windowTarget);
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable task, Duration delay) {
    return Timers.closeTimer(task, delay);
  }
}
