package io.visiona.system;

import io.helidon.common.buffers.BufferData;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.websocket.WsConfig;
import io.helidon.webserver.websocket.WsRouting;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;

/**
 * A box's local web API, as the tests' agents reach it: JSON and echo, downloads, camera MJPEG,
 * server-sent events (paced by the test, or all at once), a response that never comes, an endless
 * stream that notices when its reader is gone, a page whose script tries to use the person's
 * session, and a WebSocket echo console.
 */
final class TestBox implements AutoCloseable {

  static final String BOUNDARY = "frame";

  /** Per SSE stream: the events the test has received, which lets the box send the next one. */
  final ConcurrentHashMap<Integer, CountDownLatch> eventsSeen = new ConcurrentHashMap<>();

  /** Counted down when an endless stream's write fails: its reader went away. */
  volatile CountDownLatch endlessReaderGone = new CountDownLatch(1);

  final AtomicInteger endlessStarted = new AtomicInteger();

  /** Bytes the endless streams have written so far, all together. */
  final java.util.concurrent.atomic.AtomicLong endlessBytes =
      new java.util.concurrent.atomic.AtomicLong();

  private final CountDownLatch stop = new CountDownLatch(1);
  private final WebServer server;

  TestBox() {
    server =
        WebServer.builder()
            .host("127.0.0.1")
            .port(0)
            .addProtocol(WsConfig.builder().maxFrameLength(8 << 20).build())
            .routing(
                r ->
                    r.get("/api/status", this::status)
                        .post("/echo", TestBox::echo)
                        .get("/headers", TestBox::headers)
                        .get("/download", TestBox::download)
                        .get("/camera.mjpeg", TestBox::mjpeg)
                        .get("/events", this::events)
                        .get("/never", this::never)
                        .get("/endless", this::endless)
                        .get("/page", TestBox::page))
            .addRouting(WsRouting.builder().endpoint("/ws", new Echo()))
            .build()
            .start();
  }

  InetSocketAddress address() {
    return new InetSocketAddress("127.0.0.1", server.port());
  }

  private void status(ServerRequest req, ServerResponse res) {
    res.header(HeaderNames.CONTENT_TYPE, "application/json")
        .send("{\"status\":\"ok\",\"path\":\"" + req.path().rawPath() + "\"}");
  }

  /** The body back, with its SHA-256 as the box computed it. */
  private static void echo(ServerRequest req, ServerResponse res) {
    byte[] body = req.content().as(byte[].class);
    res.header("X-Body-Sha256", sha256(body))
        .header(HeaderNames.CONTENT_TYPE, "application/octet-stream")
        .send(body);
  }

  /** The request headers the box received, and response headers the api-server must not pass. */
  private static void headers(ServerRequest req, ServerResponse res) {
    JsonObjectBuilder o = Json.createObjectBuilder();
    req.headers().forEach(h -> o.add(h.name().toLowerCase(), h.values()));
    o.add(":target", req.path().rawPath() + "?" + req.query().rawValue());
    res.header("Set-Cookie", "box-session=stolen; Path=/")
        .header("Access-Control-Allow-Origin", "*")
        .header("Content-Security-Policy", "default-src *")
        .header("Clear-Site-Data", "\"cookies\"")
        .header("X-Box", "kept")
        .header(HeaderNames.CONTENT_TYPE, "application/json")
        .send(o.build().toString());
  }

  /** {@code size} bytes of a fixed pattern, chunked. */
  private static void download(ServerRequest req, ServerResponse res) throws IOException {
    long size = Long.parseLong(req.query().get("size"));
    byte[] block = pattern(64 * 1024);
    try (OutputStream out = res.outputStream()) {
      for (long left = size; left > 0; left -= block.length) {
        out.write(block, 0, (int) Math.min(block.length, left));
      }
    }
  }

  static byte[] pattern(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * 31 + 7);
    }
    return b;
  }

  /**
   * {@code frames} parts, flushed one by one. By default JPEG-like, each starting with its number;
   * with {@code pictures=true} real JPEG pictures for a browser, frame i {@link #pictureWidth}
   * wide.
   */
  private static void mjpeg(ServerRequest req, ServerResponse res) throws IOException {
    int frames = Integer.parseInt(req.query().first("frames").orElse("300"));
    boolean pictures = Boolean.parseBoolean(req.query().first("pictures").orElse("false"));
    res.header(HeaderNames.CONTENT_TYPE, "multipart/x-mixed-replace; boundary=" + BOUNDARY);
    try (OutputStream out = res.outputStream()) {
      for (int i = 0; i < frames; i++) {
        byte[] frame = pictures ? picture(i) : numberedFrame(i);
        out.write(
            ("--"
                    + BOUNDARY
                    + "\r\nContent-Type: image/jpeg\r\nContent-Length: "
                    + frame.length
                    + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(frame);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
      }
    }
  }

  private static byte[] numberedFrame(int i) {
    byte[] frame = new byte[4096];
    frame[0] = (byte) 0xff;
    frame[1] = (byte) 0xd8;
    frame[2] = (byte) (i >> 8);
    frame[3] = (byte) i;
    return frame;
  }

  /** The width of picture frame {@code i}: each frame differs, so a browser shows which it has. */
  static int pictureWidth(int i) {
    return 16 + i;
  }

  /** A real JPEG, {@link #pictureWidth} × 12 pixels, a colour per frame. */
  private static byte[] picture(int i) throws IOException {
    BufferedImage image = new BufferedImage(pictureWidth(i), 12, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.getHSBColor(i / 16f, 0.8f, 0.9f));
    g.fillRect(0, 0, image.getWidth(), image.getHeight());
    g.dispose();
    ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
    if (!ImageIO.write(image, "jpeg", jpeg)) {
      throw new IllegalStateException("no JPEG writer");
    }
    return jpeg.toByteArray();
  }

  /**
   * {@code count} events on stream {@code id}; the next one is sent only after the test saw the
   * previous one, so events held back anywhere on the way make the test time out. Without {@code
   * id} (as a browser's console asks), {@link #UNPACED_EVENTS} events at once, then the stream
   * stays open until the box stops (an ended stream would make an {@code EventSource} reconnect).
   */
  private void events(ServerRequest req, ServerResponse res) throws Exception {
    if (req.query().first("id").isEmpty()) {
      unpacedEvents(res);
      return;
    }
    int id = Integer.parseInt(req.query().get("id"));
    int count = Integer.parseInt(req.query().get("count"));
    res.header(HeaderNames.CONTENT_TYPE, "text/event-stream");
    try (OutputStream out = res.outputStream()) {
      for (int i = 0; i < count; i++) {
        CountDownLatch seen = eventsSeen.computeIfAbsent(id * 1000 + i, k -> new CountDownLatch(1));
        out.write(("id: " + i + "\ndata: event " + i + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        if (!seen.await(20, TimeUnit.SECONDS)) {
          return;
        }
      }
    }
  }

  static final int UNPACED_EVENTS = 3;

  private void unpacedEvents(ServerResponse res) throws Exception {
    res.header(HeaderNames.CONTENT_TYPE, "text/event-stream");
    try (OutputStream out = res.outputStream()) {
      for (int i = 0; i < UNPACED_EVENTS; i++) {
        out.write(("id: " + i + "\ndata: event " + i + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
      stop.await(60, TimeUnit.SECONDS);
    }
  }

  /** Marks event {@code i} of stream {@code id} as received by the test. */
  void sawEvent(int id, int i) {
    eventsSeen.computeIfAbsent(id * 1000 + i, k -> new CountDownLatch(1)).countDown();
  }

  private void never(ServerRequest req, ServerResponse res) throws InterruptedException {
    stop.await(60, TimeUnit.SECONDS);
    res.send("too late");
  }

  /** Writes until the write fails. */
  private void endless(ServerRequest req, ServerResponse res) {
    endlessStarted.incrementAndGet();
    byte[] block = pattern(16 * 1024);
    try (OutputStream out = res.outputStream()) {
      while (stop.getCount() > 0) {
        out.write(block);
        out.flush();
        endlessBytes.addAndGet(block.length);
      }
    } catch (IOException | UncheckedIOException e) {
      endlessReaderGone.countDown();
    } catch (RuntimeException e) {
      endlessReaderGone.countDown();
      throw e;
    }
  }

  /**
   * A page whose script tries to act as the person: it reads its origin and the cookies, and
   * fetches the person's device list from the api-server, writing what happened into {@code
   * #result}.
   */
  private static void page(ServerRequest req, ServerResponse res) {
    res.header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8").send(PAGE);
  }

  static final String PAGE =
      """
      <!doctype html><title>box</title><p>box page</p>
      <pre id="result">script did not run</pre>
      <script>
        document.title = "box script ran";
        const result = document.getElementById("result");
        const lines = ["origin " + self.origin];
        try {
          lines.push("cookie " + JSON.stringify(document.cookie));
        } catch (e) {
          lines.push("cookie refused: " + e.name);
        }
        fetch("/api/devices", { credentials: "include" })
          .then((r) => r.text().then((t) => lines.push("read " + r.status + " " + t)))
          .catch((e) => lines.push("fetch failed: " + e.name))
          .finally(() => {
            result.textContent = lines.join("\\n");
            result.dataset.done = "true";
          });
      </script>
      """;

  static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Echoes every message; the text {@code close:CODE} makes the box close with that code. */
  private static final class Echo implements WsListener {
    @Override
    public void onMessage(WsSession session, String text, boolean last) {
      if (text.startsWith("close:")) {
        session.close(Integer.parseInt(text.substring(6)), "box closes");
        return;
      }
      session.send(text, last);
    }

    @Override
    public void onMessage(WsSession session, BufferData buffer, boolean last) {
      session.send(buffer, last);
    }

    @Override
    public void onPing(WsSession session, BufferData buffer) {
      session.pong(buffer);
    }
  }

  @Override
  public void close() {
    stop.countDown();
    server.stop();
  }
}
