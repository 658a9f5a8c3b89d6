package io.visiona.tunnel;

import java.io.IOException;

/**
 * A stream's received, unread bytes: a ring that grows on demand up to the stream's window and is
 * let go when dropped. Not thread-safe: guarded by the stream's lock.
 */
final class ReceiveBuffer {

  private static final byte[] EMPTY = new byte[0];
  private static final int MIN_CAPACITY = 16 * 1024;

  private byte[] ring = EMPTY;
  private int head;
  private int size;

  /** Unread bytes. */
  int size() {
    return size;
  }

  /** Bytes of memory held. */
  int capacity() {
    return ring.length;
  }

  /** Grows the ring, if needed, to hold {@code needed} bytes (never beyond {@code limit}). */
  void reserve(long needed, int limit) {
    if (needed <= ring.length) {
      return;
    }
    int capacity =
        (int) Math.min(limit, Math.max(needed, Math.max(MIN_CAPACITY, 2L * ring.length)));
    byte[] next = new byte[capacity];
    int first = Math.min(size, ring.length - head);
    System.arraycopy(ring, head, next, 0, first);
    System.arraycopy(ring, 0, next, first, size - first);
    ring = next;
    head = 0;
  }

  /** Appends the next {@code len} bytes of {@code source}; room was {@link #reserve}d. */
  void fill(Transport.ByteSource source, int len) throws IOException {
    int tail = (head + size) % ring.length;
    int first = Math.min(len, ring.length - tail);
    source.read(ring, tail, first);
    if (first < len) {
      source.read(ring, 0, len - first);
    }
    size += len;
  }

  /** Moves up to {@code len} bytes into {@code b}; returns how many. */
  int take(byte[] b, int off, int len) {
    int n = Math.min(len, size);
    int first = Math.min(n, ring.length - head);
    System.arraycopy(ring, head, b, off, first);
    System.arraycopy(ring, 0, b, off + first, n - first);
    head = (head + n) % ring.length;
    size -= n;
    if (size == 0) {
      head = 0;
    }
    return n;
  }

  /** Forgets everything and lets the memory go. */
  void drop() {
    ring = EMPTY;
    head = 0;
    size = 0;
  }
}
