package io.visiona.tunnel;

import java.io.IOException;
import java.io.OutputStream;

/** The writing half of a {@link Stream}; closing it half-closes the stream (FIN). */
final class StreamOutputStream extends OutputStream {

  private final Stream stream;

  StreamOutputStream(Stream stream) {
    this.stream = stream;
  }

  @Override
  public void write(int b) throws IOException {
    stream.write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    stream.write(b, off, len);
  }

  /** Sends FIN; reading goes on. */
  @Override
  public void close() throws IOException {
    stream.closeWrite();
  }
}
