package io.visiona.demobox;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The local API over real sockets: every route, and every limit answered with its 4xx/5xx. */
@Timeout(30)
class LocalApiTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private LocalApi api;

  @BeforeEach
  void start() throws IOException {
    api = LocalApi.start(0, limits(8), "kitchen \"cam\"", 20);
  }

  @AfterEach
  void stop() {
    api.close();
  }

  private static LocalApi.Limits limits(int maxConnections) {
    return new LocalApi.Limits(
        maxConnections,
        2048,
        Duration.ofMillis(500),
        Duration.ofSeconds(5),
        64 * 1024,
        Duration.ofSeconds(20));
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + api.port() + path);
  }

  @Test
  void statusIsJson() throws Exception {
    HttpResponse<String> res =
        HTTP.send(HttpRequest.newBuilder(uri("/api/status")).build(), ofString());
    assertThat(res.statusCode()).isEqualTo(200);
    assertThat(res.headers().firstValue("content-type")).contains("application/json");
    assertThat(res.body())
        .matches(
            "\\{\"name\":\"kitchen \\\\\"cam\\\\\"\",\"uptime_seconds\":\\d+,"
                + "\"frames_sent\":0,\"time\":\"\\d{4}-\\d\\d-\\d\\dT[^\"]+Z\"}");
  }

  @Test
  void pageIsHtmlWithRelativeLinks() throws Exception {
    HttpResponse<String> res = HTTP.send(HttpRequest.newBuilder(uri("/")).build(), ofString());
    assertThat(res.statusCode()).isEqualTo(200);
    assertThat(res.headers().firstValue("content-type")).contains("text/html; charset=utf-8");
    assertThat(res.body())
        .contains("<title>kitchen &quot;cam&quot;</title>", "src=\"camera.mjpeg\"")
        .doesNotContain("<script");
  }

  @Test
  void cameraSendsDistinctJpegFramesOneByOne() throws Exception {
    HttpResponse<InputStream> res =
        HTTP.send(
            HttpRequest.newBuilder(uri("/camera.mjpeg")).build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(res.statusCode()).isEqualTo(200);
    assertThat(res.headers().firstValue("content-type"))
        .contains("multipart/x-mixed-replace; boundary=" + CameraStream.BOUNDARY);
    List<int[]> pixels = new ArrayList<>();
    try (DataInputStream in = new DataInputStream(res.body())) {
      for (int i = 0; i < 3; i++) {
        assertThat(line(in)).isEqualTo("--" + CameraStream.BOUNDARY);
        assertThat(line(in)).isEqualTo("Content-Type: image/jpeg");
        String length = line(in);
        assertThat(length).startsWith("Content-Length: ");
        assertThat(line(in)).isEmpty();
        byte[] jpeg = new byte[Integer.parseInt(length.substring(16))];
        in.readFully(jpeg);
        assertThat(line(in)).isEmpty();
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(jpeg));
        assertThat(image.getWidth()).isEqualTo(TestPattern.WIDTH);
        assertThat(image.getHeight()).isEqualTo(TestPattern.HEIGHT);
        pixels.add(
            image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth()));
      }
    }
    assertThat(pixels.get(0)).isNotEqualTo(pixels.get(1));
    assertThat(pixels.get(1)).isNotEqualTo(pixels.get(2));
    // Counted once a frame's write returned, which may be just after the client has read it.
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(5))
        .until(() -> api.framesSent() >= 3);
  }

  /**
   * The stream never ends, so each event can only arrive if it was flushed by itself. The events
   * are unnamed (no {@code event:} line): a browser's {@code EventSource.onmessage}, which the
   * console uses, sees only those.
   */
  @Test
  void eventsArriveOneByOne() throws Exception {
    HttpResponse<InputStream> res =
        HTTP.send(
            HttpRequest.newBuilder(uri("/events")).build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(res.headers().firstValue("content-type"))
        .contains("text/event-stream; charset=utf-8");
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(res.body(), StandardCharsets.UTF_8))) {
      for (int seq = 1; seq <= 2; seq++) {
        assertThat(in.readLine()).isEqualTo("id: " + seq);
        assertThat(in.readLine()).matches("data: \\{\"seq\":" + seq + ",\"time\":\"[^\"]+\"}");
        assertThat(in.readLine()).isEmpty();
      }
    }
  }

  @Test
  void webSocketEchoesTextAndBinaryAnswersPingAndClose() throws Exception {
    BlockingQueue<Object> got = new LinkedBlockingQueue<>(100);
    WebSocket ws =
        HTTP.newWebSocketBuilder()
            .buildAsync(URI.create("ws://127.0.0.1:" + api.port() + "/ws"), recorder(got))
            .get(5, TimeUnit.SECONDS);

    ws.sendText("hello box", true).get(5, TimeUnit.SECONDS);
    assertThat(next(got)).isEqualTo("hello box");

    byte[] binary = new byte[70_000 / 2];
    new Random(1).nextBytes(binary);
    ws.sendBinary(ByteBuffer.wrap(binary), true).get(5, TimeUnit.SECONDS);
    assertThat((byte[]) next(got)).isEqualTo(binary);

    ws.sendPing(ByteBuffer.wrap(new byte[] {7, 8, 9})).get(5, TimeUnit.SECONDS);
    assertThat((byte[]) next(got)).isEqualTo(new byte[] {'p', 7, 8, 9});

    ws.sendClose(4001, "done").get(5, TimeUnit.SECONDS);
    assertThat(next(got)).isEqualTo("close 4001");
  }

  @Test
  void webSocketFrameOverTheLimitIsClosedWith1009() throws Exception {
    BlockingQueue<Object> got = new LinkedBlockingQueue<>(100);
    WebSocket ws =
        HTTP.newWebSocketBuilder()
            .buildAsync(URI.create("ws://127.0.0.1:" + api.port() + "/ws"), recorder(got))
            .get(5, TimeUnit.SECONDS);
    ws.sendBinary(ByteBuffer.allocate(64 * 1024 + 1), true).get(5, TimeUnit.SECONDS);
    assertThat(next(got)).isEqualTo("close 1009");
  }

  @Test
  void unmaskedWebSocketFrameIsAProtocolError() throws Exception {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), api.port())) {
      OutputStream out = s.getOutputStream();
      out.write(
          ("GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      DataInputStream in = new DataInputStream(s.getInputStream());
      assertThat(line(in)).isEqualTo("HTTP/1.1 101 Switching Protocols");
      List<String> headers = new ArrayList<>();
      for (String h = line(in); !h.isEmpty(); h = line(in)) {
        headers.add(h);
      }
      // RFC 6455 §1.3's example key and accept value.
      assertThat(headers).contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
      out.write(new byte[] {(byte) 0x81, 2, 'h', 'i'});
      assertThat(in.readUnsignedByte()).isEqualTo(0x88);
      int length = in.readUnsignedByte();
      assertThat(in.readUnsignedShort()).isEqualTo(1002);
      in.skipNBytes(length - 2);
      assertThat(in.read()).isEqualTo(-1);
    }
  }

  @Test
  void unknownPathIs404WithTheErrorEnvelope() throws Exception {
    HttpResponse<String> res = HTTP.send(HttpRequest.newBuilder(uri("/nope")).build(), ofString());
    assertThat(res.statusCode()).isEqualTo(404);
    assertThat(res.body())
        .isEqualTo(
            "{\"error\":{\"code\":\"NOT_FOUND\",\"message\":\"no such path on this box: /nope\"}}");
  }

  @Test
  void otherMethodsAre405() throws Exception {
    HttpResponse<String> res =
        HTTP.send(
            HttpRequest.newBuilder(uri("/api/status"))
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            ofString());
    assertThat(res.statusCode()).isEqualTo(405);
    assertThat(res.headers().firstValue("allow")).contains("GET");
    assertThat(res.body()).contains("\"METHOD_NOT_ALLOWED\"");
  }

  @Test
  void webSocketPathWithoutUpgradeIs426() throws Exception {
    HttpResponse<String> res = HTTP.send(HttpRequest.newBuilder(uri("/ws")).build(), ofString());
    assertThat(res.statusCode()).isEqualTo(426);
    assertThat(res.body()).contains("\"UPGRADE_REQUIRED\"");
  }

  @Test
  void malformedRequestLineIs400() throws Exception {
    assertThat(raw("GET\r\n\r\n")).startsWith("HTTP/1.1 400 ").contains("\"BAD_REQUEST\"");
    assertThat(raw("GET http://elsewhere/ HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 400 ");
    assertThat(raw("GET / HTTP/1.1\r\nBad Header: x\r\n\r\n")).startsWith("HTTP/1.1 400 ");
    assertThat(raw("GET / HTTP/2.0\r\n\r\n")).startsWith("HTTP/1.1 505 ");
  }

  @Test
  void requestBodyIs400() throws Exception {
    assertThat(raw("GET /api/status HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc"))
        .startsWith("HTTP/1.1 400 ")
        .contains("have no body");
  }

  @Test
  void oversizedHeadIs431() throws Exception {
    assertThat(raw("GET / HTTP/1.1\r\nX-Big: " + "a".repeat(3000) + "\r\n\r\n"))
        .startsWith("HTTP/1.1 431 ")
        .contains("\"HEADERS_TOO_LARGE\"");
  }

  /** A head that trickles in is cut off at the limit for the whole head. */
  @Test
  void slowHeadIs408() throws Exception {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), api.port())) {
      s.getOutputStream().write("GET / HTTP/1.1\r\nHost:".getBytes(StandardCharsets.US_ASCII));
      String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(answer).startsWith("HTTP/1.1 408 ").contains("\"REQUEST_TIMEOUT\"");
    }
  }

  @Test
  void keepAliveServesSeveralRequestsOnOneConnection() throws Exception {
    String answers =
        raw(
            "GET /api/status HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertThat(answers).contains("\"frames_sent\"", "<!doctype html>");
    assertThat(answers.split("HTTP/1.1 200 OK", -1)).hasSize(3);
  }

  @Test
  void connectionsOverTheLimitGet503() throws Exception {
    api.close();
    api = LocalApi.start(0, limits(1), "box", 20);
    HttpResponse<InputStream> holding =
        HTTP.send(
            HttpRequest.newBuilder(uri("/events")).build(),
            HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream body = holding.body()) {
      assertThat(body.read()).as("the first event holds the only slot").isEqualTo('i');
      assertThat(raw("GET /api/status HTTP/1.1\r\n\r\n"))
          .startsWith("HTTP/1.1 503 ")
          .contains("\"TOO_MANY_CONNECTIONS\"");
    }
  }

  private String raw(String request) throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), api.port())) {
      s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static String line(DataInputStream in) throws IOException {
    StringBuilder b = new StringBuilder();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        throw new IOException("ended in a line");
      }
      if (c != '\r') {
        b.append((char) c);
      }
    }
    return b.toString();
  }

  private static HttpResponse.BodyHandler<String> ofString() {
    return HttpResponse.BodyHandlers.ofString();
  }

  private static Object next(BlockingQueue<Object> got) throws InterruptedException {
    Object o = got.poll(10, TimeUnit.SECONDS);
    assertThat(o).as("a WebSocket event within 10 s").isNotNull();
    return o;
  }

  /** Queues whole messages (String, byte[]), pongs ('p' + payload) and "close CODE". */
  private static WebSocket.Listener recorder(BlockingQueue<Object> got) {
    return new WebSocket.Listener() {
      private final StringBuilder text = new StringBuilder();
      private final java.io.ByteArrayOutputStream binary = new java.io.ByteArrayOutputStream();

      @Override
      public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        text.append(data);
        if (last) {
          got.add(text.toString());
          text.setLength(0);
        }
        ws.request(1);
        return null;
      }

      @Override
      public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
        byte[] b = new byte[data.remaining()];
        data.get(b);
        binary.writeBytes(b);
        if (last) {
          got.add(binary.toByteArray());
          binary.reset();
        }
        ws.request(1);
        return null;
      }

      @Override
      public CompletionStage<?> onPong(WebSocket ws, ByteBuffer data) {
        byte[] b = new byte[data.remaining() + 1];
        b[0] = 'p';
        data.get(b, 1, b.length - 1);
        got.add(b);
        ws.request(1);
        return null;
      }

      @Override
      public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
        got.add("close " + code);
        return null;
      }
    };
  }
}
