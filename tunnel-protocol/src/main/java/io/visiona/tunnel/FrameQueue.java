package io.visiona.tunnel;

import java.util.Arrays;
import java.util.function.BooleanSupplier;

/**
 * One of {@link FrameWriter}'s two queues: encoded frames in a buffer that grows on demand up to a
 * capacity and is taken whole for each round, the queue going on in a spare buffer meanwhile.
 * Window updates are remembered, so that one whose stream stopped receiving is dropped as late as
 * possible, when the round is taken. Not thread-safe: guarded by the writer's lock.
 */
final class FrameQueue {

  private static final byte[] EMPTY = new byte[0];

  /** Smallest allocation: a few control frames, or one small data frame. */
  static final int MIN_BUFFER = 256;

  private final int capacity;
  private byte[] buffer = EMPTY;
  // The buffer of the round being written (or last written), reused for the next round.
  private byte[] spare = EMPTY;
  private int length;
  // Window updates queued: where each starts and whether its stream still wants it.
  private int[] creditOffsets = new int[0];
  private BooleanSupplier[] creditWanted = new BooleanSupplier[0];
  private int credits;

  FrameQueue(int capacity) {
    this.capacity = capacity;
  }

  int length() {
    return length;
  }

  /** True if {@code bytes} more fit. */
  boolean fits(int bytes) {
    return length + bytes <= capacity;
  }

  boolean isFull() {
    return length >= capacity;
  }

  /**
   * Appends a frame: header plus {@code len} payload bytes from {@code payload}; it {@link #fits}.
   */
  void append(
      int type, int flags, int streamId, int headerLength, byte[] payload, int off, int len) {
    buffer = grown(buffer, length + FrameHeader.SIZE + len);
    FrameHeader.encode(buffer, length, type, flags, streamId, headerLength);
    System.arraycopy(payload, off, buffer, length + FrameHeader.SIZE, len);
    length += FrameHeader.SIZE + len;
  }

  /** Appends a window update, dropped when the round is taken if {@code wanted} is false then. */
  void appendCredit(int streamId, int delta, BooleanSupplier wanted) {
    if (credits == creditOffsets.length) {
      int size = Math.max(8, credits * 2);
      creditOffsets = Arrays.copyOf(creditOffsets, size);
      creditWanted = Arrays.copyOf(creditWanted, size);
    }
    creditOffsets[credits] = length;
    creditWanted[credits] = wanted;
    credits++;
    append(FrameHeader.TYPE_WINDOW_UPDATE, 0, streamId, delta, EMPTY, 0, 0);
  }

  /**
   * Takes everything queued ({@link #length()} bytes) for a round; the queue goes on in the spare
   * buffer. The previous round must be written by now: its buffer becomes the queue.
   */
  byte[] take() {
    byte[] taken = buffer;
    buffer = spare;
    spare = taken;
    length = 0;
    return taken;
  }

  /** Removes queued window updates whose stream no longer wants them (just before a round). */
  void dropUnwantedCredits() {
    int removed = 0;
    for (int i = 0; i < credits; i++) {
      int at = creditOffsets[i] - removed;
      if (!creditWanted[i].getAsBoolean()) {
        System.arraycopy(buffer, at + FrameHeader.SIZE, buffer, at, length - at - FrameHeader.SIZE);
        length -= FrameHeader.SIZE;
        removed += FrameHeader.SIZE;
      }
      creditWanted[i] = null;
    }
    credits = 0;
  }

  /** Forgets everything queued (the writer failed). */
  void clear() {
    length = 0;
    Arrays.fill(creditWanted, null);
    credits = 0;
  }

  /** Lets both buffers go; only while nothing is queued or being written. */
  void releaseMemory() {
    buffer = spare = EMPTY;
    creditOffsets = new int[0];
    creditWanted = new BooleanSupplier[0];
  }

  /** Bytes of buffers held. */
  int retainedBytes() {
    return buffer.length + spare.length;
  }

  /** {@code buf}, or a larger copy of it that holds {@code needed} bytes. */
  private byte[] grown(byte[] buf, int needed) {
    if (needed <= buf.length) {
      return buf;
    }
    int size = Math.min(capacity, Math.max(needed, Math.max(MIN_BUFFER, buf.length * 2)));
    return Arrays.copyOf(buf, size);
  }
}
