package io.visiona.server.http1;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/** Exactly {@code length} bytes of the underlying stream; ending sooner is an error. */
final class FixedLengthInputStream extends InputStream {

  private final InputStream in;
  private long left;

  FixedLengthInputStream(InputStream in, long length) {
    this.in = in;
    this.left = length;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (left == 0) {
      return -1;
    }
    if (len == 0) {
      return 0;
    }
    int n = in.read(b, off, (int) Math.min(len, left));
    if (n < 0) {
      throw new EOFException("body ended " + left + " bytes early");
    }
    left -= n;
    return n;
  }
}
