package io.visiona.tunnel;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;

/** What a {@link Stream} may ask of its session: sending frames, the memory budget, counters. */
interface StreamHost {

  /** The session, for {@link Stream#session()}. */
  Session session();

  Config config();

  /** Smoothed round-trip time, 0 while unknown (window auto-tuning). */
  long rttNanos();

  /** Takes {@code bytes} of the session's memory budget; false if it is exhausted. */
  boolean reserveWindow(long bytes);

  /** Queues a Data frame, waiting for room until {@code deadlineNanos} (see FrameWriter). */
  void sendData(int streamId, byte[] b, int off, int len, long deadlineNanos) throws IOException;

  /** Queues a FIN behind the stream's data. */
  void sendFin(int streamId, long deadlineNanos) throws IOException;

  /** Queues a window update, dropped if {@code stream} stops receiving before it is written. */
  void sendWindowUpdate(Stream stream, long delta);

  /** Counts the reset, then queues an RST (if the session is still open). */
  void sendReset(int streamId, ResetReason reason);

  /** Counts a reset the peer sent. */
  void countRemoteReset();

  void countBytesOut(long n);

  void countWindowStall();

  /** The peer acknowledged a stream this side opened: one more may await its ACK. */
  void ackReceived();

  /** The stream finished: the session forgets it and takes back its window. */
  void released(Stream stream, int windowTarget);

  /** Runs {@code task} after {@code delay} on the shared timer (close timeouts). */
  ScheduledFuture<?> schedule(Runnable task, Duration delay);
}
