package io.visiona.proxy.forward;

import io.visiona.tunnel.Stream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;

/** A stream's input where every read waits at most until one overall deadline. */
final class DeadlineInput extends InputStream {

  private final Stream stream;
  private final InputStream in;
  private final long deadlineNanos;

  DeadlineInput(Stream stream, long deadlineNanos) {
    this.stream = stream;
    this.in = stream.inputStream();
    this.deadlineNanos = deadlineNanos;
  }

  private void arm() throws SocketTimeoutException {
    long left = deadlineNanos - System.nanoTime();
    if (left <= 0) {
      throw new SocketTimeoutException("deadline passed");
    }
    stream.setReadTimeout(Duration.ofNanos(left));
  }

  @Override
  public int read() throws IOException {
    arm();
    return in.read();
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    arm();
    return in.read(b, off, len);
  }
}
