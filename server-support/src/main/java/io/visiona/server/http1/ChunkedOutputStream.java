package io.visiona.server.http1;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes a body of unknown length with the chunked transfer coding: each write is one chunk (an
 * empty write writes nothing, since an empty chunk would end the body); {@link #finish} writes the
 * last chunk. Closing does not close the underlying stream.
 */
public final class ChunkedOutputStream extends OutputStream {

  private static final byte[] CRLF = {'\r', '\n'};
  private static final byte[] LAST = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  private final OutputStream out;
  private boolean finished;

  public ChunkedOutputStream(OutputStream out) {
    this.out = out;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    if (finished) {
      throw new IOException("chunked body already finished");
    }
    if (len == 0) {
      return;
    }
    out.write((Integer.toHexString(len) + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.write(b, off, len);
    out.write(CRLF);
  }

  @Override
  public void flush() throws IOException {
    out.flush();
  }

  /** Writes the last chunk (no trailers); the body is complete after this. */
  public void finish() throws IOException {
    if (!finished) {
      finished = true;
      out.write(LAST);
      out.flush();
    }
  }
}
