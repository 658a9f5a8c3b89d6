package io.visiona.demobox;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /camera.mjpeg}: the test pattern as {@code multipart/x-mixed-replace} JPEG parts at
 * the configured rate, each flushed at once, until the client goes away.
 */
final class CameraStream implements Handler {

  static final String BOUNDARY = "demobox-frame";

  private final BoxStatus status;
  private final long frameNanos;

  CameraStream(BoxStatus status, int fps) {
    this.status = status;
    this.frameNanos = 1_000_000_000L / fps;
  }

  @Override
  public boolean serve(Exchange ex) throws IOException, InterruptedException {
    OutputStream out = ex.out();
    Responses.streamHead(out, "multipart/x-mixed-replace; boundary=" + BOUNDARY);
    TestPattern pattern = new TestPattern();
    long next = System.nanoTime();
    for (long n = 0; ; n++) {
      byte[] jpeg = pattern.jpeg(n);
      out.write(
          ("--"
                  + BOUNDARY
                  + "\r\nContent-Type: image/jpeg\r\nContent-Length: "
                  + jpeg.length
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.write(jpeg);
      out.write('\r');
      out.write('\n');
      out.flush();
      status.frameSent();
      next += frameNanos;
      long wait = next - System.nanoTime();
      if (wait > 0) {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000)); // pacing, not synchronisation
      } else {
        next = System.nanoTime(); // a slow client does not get a burst afterwards
      }
    }
  }
}
