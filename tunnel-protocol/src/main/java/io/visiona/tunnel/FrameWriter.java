package io.visiona.tunnel;

import static io.visiona.tunnel.FrameHeader.FLAG_ACK;
import static io.visiona.tunnel.FrameHeader.FLAG_FIN;
import static io.visiona.tunnel.FrameHeader.FLAG_RST;
import static io.visiona.tunnel.FrameHeader.FLAG_SYN;
import static io.visiona.tunnel.FrameHeader.GO_AWAY_INTERNAL_ERROR;
import static io.visiona.tunnel.FrameHeader.GO_AWAY_NORMAL;
import static io.visiona.tunnel.FrameHeader.TYPE_DATA;
import static io.visiona.tunnel.FrameHeader.TYPE_GO_AWAY;
import static io.visiona.tunnel.FrameHeader.TYPE_PING;
import static io.visiona.tunnel.FrameHeader.TYPE_WINDOW_UPDATE;

import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The session's frame writer: one checked method per frame type, in the manner of OkHttp's {@code
 * Http2Writer}. Frames are queued in a {@link WriteQueue} (control frames ahead of data) and
 * written in rounds by the session's writer thread, or by an idle producer. Every wait has a
 * deadline: data frames their own (extended while the transport makes progress), control frames the
 * session's write timeout.
 */
final class FrameWriter {

  private static final byte[] EMPTY = new byte[0];
  private static final long MAX_WINDOW_DELTA = 0xFFFF_FFFFL;

  /** Smallest allocation of a queue's buffer. */
  static final int MIN_BUFFER = FrameQueue.MIN_BUFFER;

  /** Largest payload a producer writes itself when the writer is idle (see {@link WriteQueue}). */
  static final int DIRECT_WRITE_MAX = WriteQueue.DIRECT_WRITE_MAX;

  private final WriteQueue queue;
  private final int maxPayload;

  /** A writer whose control frames wait for room at most 30 s (tests). */
  FrameWriter(int dataCapacity, int controlCapacity) {
    this(dataCapacity, controlCapacity, Duration.ofSeconds(30));
  }

  /**
   * @param dataCapacity bytes of data frames queued before producers wait
   * @param controlCapacity bytes of control frames queued before their senders wait
   * @param writeTimeout the session's write timeout (see {@link WriteQueue})
   */
  FrameWriter(int dataCapacity, int controlCapacity, Duration writeTimeout) {
    this.queue = new WriteQueue(dataCapacity, controlCapacity, writeTimeout);
    this.maxPayload = dataCapacity - FrameHeader.SIZE;
  }

  /** SYN: opens {@code streamId}, announcing {@code extraWindow} beyond the spec's window. */
  void syn(int streamId, int extraWindow) throws IOException {
    queue.control(TYPE_WINDOW_UPDATE, FLAG_SYN, stream(streamId), window(extraWindow));
  }

  /** ACK: accepts the peer's {@code streamId}, announcing {@code extraWindow} as for SYN. */
  void ack(int streamId, int extraWindow) throws IOException {
    queue.control(TYPE_WINDOW_UPDATE, FLAG_ACK, stream(streamId), window(extraWindow));
  }

  /** RST: aborts {@code streamId} in both directions. */
  void rst(int streamId) throws IOException {
    queue.control(TYPE_WINDOW_UPDATE, FLAG_RST, stream(streamId), 0);
  }

  /** Ping request carrying {@code opaque}, which the reply echoes. */
  void ping(int opaque) throws IOException {
    queue.control(TYPE_PING, FLAG_SYN, 0, opaque);
  }

  /** Ping reply echoing the request's {@code opaque}. */
  void pong(int opaque) throws IOException {
    queue.control(TYPE_PING, FLAG_ACK, 0, opaque);
  }

  /** GoAway with one of the spec's codes ({@link FrameHeader#GO_AWAY_NORMAL} and on). */
  void goAway(int code) throws IOException {
    if (code < GO_AWAY_NORMAL || code > GO_AWAY_INTERNAL_ERROR) {
      throw new IllegalArgumentException("unknown GoAway code " + code);
    }
    queue.control(TYPE_GO_AWAY, 0, 0, code);
  }

  /**
   * A window update of {@code delta} (1..2^32-1) for {@code streamId}, dropped when its round is
   * taken if {@code receiving} says the stream's receive side has ended by then (FIN or RST
   * arrived, stream closed): the peer may already have forgotten the stream and would only log the
   * frame as one for a missing stream. {@code receiving} is called under the queue's lock and must
   * not block.
   */
  void windowUpdate(int streamId, long delta, BooleanSupplier receiving) throws IOException {
    if (delta <= 0 || delta > MAX_WINDOW_DELTA) {
      throw new IllegalArgumentException("window update delta must be 1..2^32-1: " + delta);
    }
    queue.windowUpdate(stream(streamId), (int) delta, Objects.requireNonNull(receiving));
  }

  /**
   * A Data frame of {@code len} (at least 1) bytes from {@code buf}, in data order; waits for room
   * until {@code deadlineNanos} (a {@link System#nanoTime()} value), or longer while the transport
   * keeps taking bytes (at most the write timeout since it last did).
   */
  void data(int streamId, byte[] buf, int off, int len, long deadlineNanos) throws IOException {
    Objects.checkFromIndexSize(off, len, buf.length);
    if (len == 0 || len > maxPayload) {
      throw new IllegalArgumentException(
          "data payload must be 1.." + maxPayload + " bytes: " + len);
    }
    queue.dataFrame(TYPE_DATA, 0, stream(streamId), buf, off, len, deadlineNanos);
  }

  /** FIN: half-closes {@code streamId}, behind its data; waits for room as {@link #data} does. */
  void fin(int streamId, long deadlineNanos) throws IOException {
    queue.dataFrame(TYPE_WINDOW_UPDATE, FLAG_FIN, stream(streamId), EMPTY, 0, 0, deadlineNanos);
  }

  private static int stream(int streamId) {
    if (streamId == 0) {
      throw new IllegalArgumentException("stream frames need a stream id other than 0");
    }
    return streamId;
  }

  private static int window(int extraWindow) {
    if (extraWindow < 0) {
      throw new IllegalArgumentException("window announcement must not be negative");
    }
    return extraWindow;
  }

  /** The writer loop (see {@link WriteQueue#run}). */
  void run(Transport transport) throws IOException {
    queue.run(transport);
  }

  /** See {@link WriteQueue#watch}. */
  void watch(StuckWriteWatchdog watchdog, Consumer<IOException> onStuck) {
    queue.watch(watchdog, onStuck);
  }

  /** See {@link WriteQueue#lastProgressNanos}. */
  long lastProgressNanos() {
    return queue.lastProgressNanos();
  }

  /** Bytes of queue buffers currently held (for tests and memory accounting). */
  int retainedBytes() {
    return queue.retainedBytes();
  }

  /** Accepts no new frames; the writer finishes what is queued and returns. */
  void shutdown() {
    queue.shutdown();
  }

  /** Fails every waiting and future producer with {@code error}. */
  void fail(IOException error) {
    queue.fail(error);
  }
}
