package io.visiona.tunnel;

import java.io.IOException;
import java.io.InputStream;

/** The reading half of a {@link Stream}; closing it closes the stream. */
final class StreamInputStream extends InputStream {

  private final Stream stream;
  private final byte[] one = new byte[1];

  StreamInputStream(Stream stream) {
    this.stream = stream;
  }

  @Override
  public int read() throws IOException {
    return stream.read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    return stream.read(b, off, len);
  }

  @Override
  public int available() {
    return stream.available();
  }

  @Override
  public void close() {
    stream.close();
  }
}
