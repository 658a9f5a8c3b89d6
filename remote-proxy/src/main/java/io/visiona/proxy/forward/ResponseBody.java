package io.visiona.proxy.forward;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A response body read from the device, held once, in blocks of at most {@link #BLOCK} bytes (no
 * doubling buffer, no final copy), each leased from the {@link ForwardBudget} before it is
 * allocated.
 */
final class ResponseBody {

  static final int BLOCK = 64 * 1024;
  static final ResponseBody EMPTY = new ResponseBody(null);

  private final ForwardBudget.Lease lease;
  private final List<byte[]> blocks = new ArrayList<>();
  private int lastFill;
  private long length;

  ResponseBody(ForwardBudget.Lease lease) {
    this.lease = lease;
  }

  long length() {
    return length;
  }

  /**
   * Reads {@code n} bytes of a body of known length (the blocks fit them).
   *
   * @return false if the stream ended first
   */
  boolean append(InputStream in, long n) throws IOException, ForwardFailure {
    while (n > 0) {
      byte[] block = room(n);
      int want = (int) Math.min(n, block.length - lastFill);
      int got = in.readNBytes(block, lastFill, want);
      lastFill += got;
      length += got;
      n -= got;
      if (got < want) {
        return false;
      }
    }
    return true;
  }

  /**
   * Reads until the end of the stream, one byte past {@code max} at most (so that a body one byte
   * over the limit leases no block for it beyond that byte).
   *
   * @return false if there were more than {@code max} bytes
   */
  boolean appendUntilEnd(InputStream in, long max) throws IOException, ForwardFailure {
    while (true) {
      long allowed = max + 1 - length;
      byte[] block = room(Math.min(BLOCK, allowed));
      int want = (int) Math.min(block.length - lastFill, allowed);
      int got = in.readNBytes(block, lastFill, want);
      lastFill += got;
      length += got;
      if (length > max) {
        return false;
      }
      if (got < want) {
        return true; // end of stream
      }
    }
  }

  /** The block with free space, after a new one is leased and allocated if needed. */
  private byte[] room(long wanted) throws ForwardFailure {
    if (!blocks.isEmpty() && lastFill < blocks.getLast().length) {
      return blocks.getLast();
    }
    int size = (int) Math.min(BLOCK, Math.max(1, wanted));
    if (!lease.tryGrow(size)) {
      throw new ForwardFailure(
          ForwardFailure.BUSY, "the proxy has no memory free for more response bodies; retry");
    }
    byte[] block = new byte[size];
    blocks.add(block);
    lastFill = 0;
    return block;
  }

  void writeTo(OutputStream out) throws IOException {
    long left = length;
    for (byte[] block : blocks) {
      int n = (int) Math.min(block.length, left);
      out.write(block, 0, n);
      left -= n;
    }
  }
}
