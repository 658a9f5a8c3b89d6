package io.visiona.system;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.locks.LockSupport;

/**
 * The box's local web API for {@link AccessBenchmark}: a 1 KiB answer, a download, an upload sink
 * and a paced MJPEG camera whose frames carry the time they were due.
 */
final class BenchBox implements AutoCloseable {

  static final String BOUNDARY = "frame";
  static final int SMALL = 1024;
  private static final byte[] SMALL_BODY = TestBox.pattern(SMALL);
  private final WebServer server;

  BenchBox() {
    server =
        WebServer.builder()
            .host("127.0.0.1")
            .port(0)
            .routing(
                r ->
                    r.get("/small", BenchBox::small)
                        .get("/download", BenchBox::download)
                        .post("/upload", BenchBox::upload)
                        .get("/live.mjpeg", BenchBox::live))
            .build()
            .start();
  }

  InetSocketAddress address() {
    return new InetSocketAddress("127.0.0.1", server.port());
  }

  private static void small(ServerRequest req, ServerResponse res) {
    res.header(HeaderNames.CONTENT_TYPE, "application/octet-stream").send(SMALL_BODY);
  }

  /** {@code size} bytes in 64 KiB writes (chunked). */
  private static void download(ServerRequest req, ServerResponse res) throws IOException {
    long size = Long.parseLong(req.query().get("size"));
    byte[] block = TestBox.pattern(64 * 1024);
    try (OutputStream out = res.outputStream()) {
      for (long left = size; left > 0; left -= block.length) {
        out.write(block, 0, (int) Math.min(block.length, left));
      }
    }
  }

  /** Reads the body to its end and answers how many bytes it had. */
  private static void upload(ServerRequest req, ServerResponse res) throws IOException {
    byte[] buf = new byte[64 * 1024];
    long n = 0;
    try (InputStream in = req.content().inputStream()) {
      for (int r; (r = in.read(buf)) >= 0; ) {
        n += r;
      }
    }
    res.send(Long.toString(n));
  }

  /** The head of every MJPEG part for frames of {@code size} bytes. */
  static byte[] partHead(int size) {
    return ("--"
            + BOUNDARY
            + "\r\nContent-Type: image/jpeg\r\nContent-Length: "
            + size
            + "\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * {@code frames} parts of {@code size} bytes at {@code fps}, on a fixed schedule (a late frame
   * does not move the next one); each frame's first 8 bytes are its due time ({@code nanoTime}).
   */
  private static void live(ServerRequest req, ServerResponse res) throws IOException {
    int frames = Integer.parseInt(req.query().get("frames"));
    int fps = Integer.parseInt(req.query().get("fps"));
    int size = Integer.parseInt(req.query().get("size"));
    byte[] head = partHead(size);
    byte[] frame = TestBox.pattern(size);
    byte[] tail = "\r\n".getBytes(StandardCharsets.US_ASCII);
    long period = 1_000_000_000L / fps;
    res.header(HeaderNames.CONTENT_TYPE, "multipart/x-mixed-replace; boundary=" + BOUNDARY);
    long start = System.nanoTime();
    try (OutputStream out = res.outputStream()) {
      for (int i = 0; i < frames; i++) {
        long due = start + i * period;
        for (long wait; (wait = due - System.nanoTime()) > 0; ) {
          LockSupport.parkNanos(wait);
        }
        ByteBuffer.wrap(frame).putLong(0, due);
        out.write(head);
        out.write(frame);
        out.write(tail);
        out.flush();
      }
    }
  }

  @Override
  public void close() {
    server.stop();
  }
}
