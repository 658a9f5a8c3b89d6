package io.visiona.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.visiona.tunnel.agent.AgentConfig;
import io.visiona.tunnel.agent.AgentState;
import io.visiona.tunnel.agent.EdgeAgent;
import io.visiona.tunnel.gopeer.GoPeer;
import io.visiona.tunnel.pairing.DeviceIdentity;
import io.visiona.tunnel.pairing.PairingClient;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A person uses their box's local web API through the whole chain: api-server (session, owner
 * check) → relay link → remote-proxy → tunnel → agent (the Java {@link EdgeAgent}, and the Go field
 * agent as a second box) → the box's HTTP server.
 */
@Timeout(180)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeviceAccessTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir static Path dir;
  private TwoServers servers;
  private TestBox box;
  private TwoServers.Person dora;
  private String javaBox;
  private String goBox;
  private String offlineBox;
  private String garbageBox;
  private EdgeAgent javaAgent;
  private EdgeAgent garbageAgent;
  private GoPeer goAgent;
  private ServerSocket garbage;

  @BeforeAll
  void start() throws Exception {
    servers =
        TwoServers.start(
            dir,
            Map.of(
                "devices.access.response-timeout", "PT2S",
                "http.max-payload-size", Integer.toString(20 << 20),
                "devices.access.max-streams-per-device", "8"));
    box = new TestBox();
    dora = servers.person("dora");
    DeviceIdentity javaId = pair("java-box");
    javaBox = javaId.deviceId();
    javaAgent =
        new EdgeAgent(
            AgentConfig.builder()
                .proxyUri(javaId.tunnelUrl())
                .credential(javaId.credential())
                .target("127.0.0.1", box.address().getPort())
                .build());
    javaAgent.start();
    DeviceIdentity go = pair("go-box");
    goBox = go.deviceId();
    goAgent =
        GoPeer.agent(
            go.tunnelUrl(), Map.of("Authorization", "Bearer " + go.credential()), box.address());
    offlineBox = pair("offline-box").deviceId();
    garbage = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().start(this::speakGarbage);
    DeviceIdentity notHttp = pair("not-http-box");
    garbageBox = notHttp.deviceId();
    garbageAgent =
        new EdgeAgent(
            AgentConfig.builder()
                .proxyUri(notHttp.tunnelUrl())
                .credential(notHttp.credential())
                .target("127.0.0.1", garbage.getLocalPort())
                .build());
    garbageAgent.start();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> garbageAgent.state() == AgentState.CONNECTED);
    await().atMost(Duration.ofSeconds(20)).until(() -> javaAgent.state() == AgentState.CONNECTED);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> servers.proxy.registry().find(goBox).isPresent());
    await().atMost(Duration.ofSeconds(20)).until(servers.app.devices().relay()::connected);
  }

  /**
   * A box whose local service is not HTTP: it greets like an SSH server, hangs up, or switches
   * protocols unasked.
   */
  private void speakGarbage() {
    while (!garbage.isClosed()) {
      try (Socket s = garbage.accept()) {
        byte[] request = new byte[4096];
        int n = s.getInputStream().read(request);
        String line = new String(request, 0, Math.max(n, 0), StandardCharsets.US_ASCII);
        String answer =
            line.contains("/hang-up")
                ? ""
                : line.contains("/switch")
                    ? "HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\nraw bytes"
                    : "SSH-2.0-OpenSSH_9.2\r\n";
        s.getOutputStream().write(answer.getBytes(StandardCharsets.US_ASCII));
      } catch (IOException e) {
        // closed at the end of the tests
      }
    }
  }

  @AfterAll
  void stop() throws Exception {
    garbageAgent.close();
    garbage.close();
    javaAgent.close();
    goAgent.close();
    box.close();
    servers.close();
  }

  private DeviceIdentity pair(String name) throws Exception {
    return new PairingClient(servers.apiBase())
        .pair(
            new PairingClient.BoxDescription(name, null, null, null),
            prompt -> dora.call("POST", "/api/pairings/" + prompt.userCode() + "/approve", null));
  }

  private HttpRequest.Builder request(String deviceId, String boxPath) {
    return HttpRequest.newBuilder(
            servers.apiBase().resolve("/api/devices/" + deviceId + "/agent" + boxPath))
        .header("Cookie", dora.cookie());
  }

  private HttpRequest.Builder unsafe(String deviceId, String boxPath) {
    return request(deviceId, boxPath).header("X-CSRF", "1").header("Origin", origin());
  }

  private String origin() {
    return "http://127.0.0.1:" + servers.api.port();
  }

  private static <T> HttpResponse<T> send(HttpRequest.Builder r, HttpResponse.BodyHandler<T> h)
      throws IOException, InterruptedException {
    return HTTP.send(r.build(), h);
  }

  private static String code(HttpResponse<String> r) {
    return Json.createReader(new StringReader(r.body()))
        .readObject()
        .getJsonObject("error")
        .getString("code");
  }

  @Test
  void jsonGetReachesTheBoxThroughBothAgents() throws Exception {
    for (String device : List.of(javaBox, goBox)) {
      HttpResponse<String> r =
          send(request(device, "/api/status?x=1"), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("{\"status\":\"ok\",\"path\":\"/api/status\"}");
      assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
    }
  }

  @Test
  void sixteenMebibytesGoUpAndComeBackIntactThroughBothAgents() throws Exception {
    byte[] body = new byte[16 << 20];
    new Random(42).nextBytes(body);
    String sent = TestBox.sha256(body);
    for (String device : List.of(javaBox, goBox)) {
      HttpResponse<byte[]> r =
          send(
              unsafe(device, "/echo")
                  .header("Content-Type", "application/octet-stream")
                  .POST(HttpRequest.BodyPublishers.ofByteArray(body)),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("x-body-sha256")).hasValue(sent);
      assertThat(TestBox.sha256(r.body())).isEqualTo(sent);
    }
  }

  @Test
  void uploadsOverTheLimitAre413WithOrWithoutALength() throws Exception {
    byte[] body = new byte[(20 << 20) + 1];
    HttpResponse<String> declared =
        send(
            unsafe(javaBox, "/echo")
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)),
            HttpResponse.BodyHandlers.ofString());
    assertThat(declared.statusCode()).isEqualTo(413);
    assertThat(code(declared)).isEqualTo("BODY_TOO_LARGE");
    HttpResponse<String> chunked =
        send(
            unsafe(javaBox, "/echo")
                .header("Content-Type", "application/octet-stream")
                .POST(
                    HttpRequest.BodyPublishers.ofInputStream(
                        () -> new java.io.ByteArrayInputStream(body))),
            HttpResponse.BodyHandlers.ofString());
    assertThat(chunked.statusCode()).isEqualTo(413);
    assertThat(code(chunked)).isEqualTo("BODY_TOO_LARGE");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> servers.app.devices().relay().openStreams() == 0);
  }

  @Test
  void aChunkedUploadIsPassedOnChunked() throws Exception {
    byte[] body = TestBox.pattern(300_000);
    HttpResponse<byte[]> r =
        send(
            unsafe(javaBox, "/echo")
                .header("Content-Type", "application/octet-stream")
                .POST(
                    HttpRequest.BodyPublishers.ofInputStream(
                        () -> new java.io.ByteArrayInputStream(body))),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo(body);
  }

  @Test
  void aLargeDownloadArrivesWhole() throws Exception {
    long size = 64L << 20;
    HttpResponse<InputStream> r =
        send(request(goBox, "/download?size=" + size), HttpResponse.BodyHandlers.ofInputStream());
    assertThat(r.statusCode()).isEqualTo(200);
    MessageDigest got = MessageDigest.getInstance("SHA-256");
    MessageDigest want = MessageDigest.getInstance("SHA-256");
    byte[] block = TestBox.pattern(64 * 1024);
    for (long left = size; left > 0; left -= block.length) {
      want.update(block, 0, (int) Math.min(block.length, left));
    }
    long n = 0;
    try (InputStream in = r.body()) {
      byte[] buf = new byte[65536];
      int k;
      while ((k = in.read(buf)) >= 0) {
        got.update(buf, 0, k);
        n += k;
      }
    }
    assertThat(n).isEqualTo(size);
    assertThat(got.digest()).isEqualTo(want.digest());
  }

  @Test
  void boxHeadersThatCouldActOnTheApisOriginAreDroppedAndThePolicyAdded() throws Exception {
    HttpResponse<String> r =
        send(
            request(javaBox, "/headers?q=a%20b")
                .header("X-CSRF", "1")
                .header("Authorization", "Bearer secret")
                .header("X-Forwarded-For", "203.0.113.9")
                .header("Accept", "application/json"),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    JsonObject seen = Json.createReader(new StringReader(r.body())).readObject();
    assertThat(seen.keySet())
        .doesNotContain("cookie", "authorization", "x-csrf", "origin")
        .contains("accept", "x-forwarded-for", "x-forwarded-proto", "x-forwarded-prefix");
    assertThat(seen.getString("x-forwarded-for")).isEqualTo("127.0.0.1");
    assertThat(seen.getString("x-forwarded-prefix"))
        .isEqualTo("/api/devices/" + javaBox + "/agent");
    assertThat(seen.getString(":target")).isEqualTo("/headers?q=a%20b");

    assertThat(r.headers().allValues("set-cookie")).isEmpty();
    assertThat(r.headers().allValues("clear-site-data")).isEmpty();
    assertThat(r.headers().allValues("access-control-allow-origin")).isEmpty();
    assertThat(r.headers().allValues("content-security-policy")).containsExactly("sandbox");
    assertThat(r.headers().firstValue("x-content-type-options")).hasValue("nosniff");
    assertThat(r.headers().firstValue("referrer-policy")).hasValue("no-referrer");
    assertThat(r.headers().firstValue("cross-origin-resource-policy")).hasValue("same-origin");
    assertThat(r.headers().firstValue("x-box")).hasValue("kept");
  }

  @Test
  void anMjpegStreamArrivesFrameByFrameInOrderWhileASecondViewerWatches() throws Exception {
    CompletableFuture<List<Integer>> second =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return frames(javaBox, 300);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    List<Integer> first = frames(goBox, 300);
    List<Integer> expected = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      expected.add(i);
    }
    assertThat(first).isEqualTo(expected);
    assertThat(second.get(60, TimeUnit.SECONDS)).isEqualTo(expected);
  }

  /** The numbers of the frames of one MJPEG stream, parsed part by part. */
  private List<Integer> frames(String device, int count) throws Exception {
    HttpResponse<InputStream> r =
        send(
            request(device, "/camera.mjpeg?frames=" + count),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type"))
        .hasValue("multipart/x-mixed-replace; boundary=" + TestBox.BOUNDARY);
    List<Integer> numbers = new ArrayList<>();
    try (DataInputStream in = new DataInputStream(r.body())) {
      for (int i = 0; i < count; i++) {
        assertThat(line(in)).isEqualTo("--" + TestBox.BOUNDARY);
        assertThat(line(in)).isEqualTo("Content-Type: image/jpeg");
        int length = Integer.parseInt(line(in).substring("Content-Length: ".length()));
        assertThat(line(in)).isEmpty();
        byte[] frame = new byte[length];
        in.readFully(frame);
        assertThat(line(in)).isEmpty();
        numbers.add(((frame[2] & 0xff) << 8) | (frame[3] & 0xff));
      }
      assertThat(in.read()).isEqualTo(-1);
    }
    return numbers;
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder b = new StringBuilder();
    int c;
    while ((c = in.read()) != '\n') {
      if (c < 0) {
        throw new IOException("stream ended");
      }
      if (c != '\r') {
        b.append((char) c);
      }
    }
    return b.toString();
  }

  @Test
  void serverSentEventsArriveOneByOne() throws Exception {
    int stream = 7;
    HttpResponse<InputStream> r =
        send(
            request(javaBox, "/events?id=" + stream + "&count=3"),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).hasValue("text/event-stream");
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
      for (int i = 0; i < 3; i++) {
        // The box sends event i+1 only after this saw event i: buffering anywhere deadlocks.
        assertThat(in.readLine()).isEqualTo("id: " + i);
        assertThat(in.readLine()).isEqualTo("data: event " + i);
        assertThat(in.readLine()).isEmpty();
        box.sawEvent(stream, i);
      }
      assertThat(in.readLine()).isNull();
    }
  }

  @Test
  void aBrowserThatGoesAwayEndsTheBoxsConnection() throws Exception {
    box.endlessReaderGone = new java.util.concurrent.CountDownLatch(1);
    try (Socket browser = new Socket("127.0.0.1", servers.api.port())) {
      browser
          .getOutputStream()
          .write(
              ("GET /api/devices/"
                      + javaBox
                      + "/agent/endless HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: "
                      + dora.cookie()
                      + "\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      InputStream in = browser.getInputStream();
      assertThat(new String(in.readNBytes(12), StandardCharsets.US_ASCII))
          .isEqualTo("HTTP/1.1 200");
      assertThat(in.readNBytes(256 * 1024)).hasSize(256 * 1024);
    }
    long closed = System.nanoTime();
    assertThat(box.endlessReaderGone.await(10, TimeUnit.SECONDS)).isTrue();
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closed);
    assertThat(millis).as("box noticed after %d ms", millis).isLessThan(2_000);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> servers.app.devices().relay().openStreams() == 0);
  }

  @Test
  void anOfflineDeviceIs502AndAnotherPersonsDeviceIs404() throws Exception {
    HttpResponse<String> offline =
        send(request(offlineBox, "/api/status"), HttpResponse.BodyHandlers.ofString());
    assertThat(offline.statusCode()).isEqualTo(502);
    assertThat(code(offline)).isEqualTo("DEVICE_OFFLINE");

    TwoServers.Person eve = servers.person("eve");
    HttpResponse<String> foreign =
        send(
            HttpRequest.newBuilder(
                    servers.apiBase().resolve("/api/devices/" + javaBox + "/agent/api/status"))
                .header("Cookie", eve.cookie()),
            HttpResponse.BodyHandlers.ofString());
    assertThat(foreign.statusCode()).isEqualTo(404);
    assertThat(code(foreign)).isEqualTo("DEVICE_NOT_FOUND");

    HttpResponse<String> anonymous =
        send(
            HttpRequest.newBuilder(
                servers.apiBase().resolve("/api/devices/" + javaBox + "/agent/api/status")),
            HttpResponse.BodyHandlers.ofString());
    assertThat(anonymous.statusCode()).isEqualTo(401);
  }

  @Test
  void aBoxThatNeverAnswersIs504() throws Exception {
    long start = System.nanoTime();
    HttpResponse<String> r = send(request(javaBox, "/never"), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(504);
    assertThat(code(r)).isEqualTo("DEVICE_TIMEOUT");
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(1_500L, 15_000L);
  }

  @Test
  void aBoxThatDoesNotSpeakHttpIs502ProtocolError() throws Exception {
    for (String path : List.of("/anything", "/hang-up", "/switch")) {
      HttpResponse<String> r =
          send(request(garbageBox, path), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(path).isEqualTo(502);
      assertThat(code(r)).as(path).isEqualTo("DEVICE_PROTOCOL_ERROR");
    }
  }

  @Test
  void streamsBeyondTheDevicesLimitAre429UntilOneEnds() throws Exception {
    int stream = 100;
    List<Socket> open = new ArrayList<>();
    try {
      for (int i = 0; i < 8; i++) {
        Socket s = new Socket("127.0.0.1", servers.api.port());
        open.add(s);
        s.setSoTimeout(20_000);
        s.getOutputStream()
            .write(
                ("GET /api/devices/"
                        + goBox
                        + "/agent/events?count=2&id="
                        + (stream + i)
                        + " HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: "
                        + dora.cookie()
                        + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
        String head = readUntil(s.getInputStream(), "data: event 0");
        assertThat(head).startsWith("HTTP/1.1 200");
      }
      HttpResponse<String> ninth =
          send(request(goBox, "/api/status"), HttpResponse.BodyHandlers.ofString());
      assertThat(ninth.statusCode()).isEqualTo(429);
      assertThat(code(ninth)).isEqualTo("TOO_MANY_STREAMS");
      HttpResponse<String> otherDevice =
          send(request(javaBox, "/api/status"), HttpResponse.BodyHandlers.ofString());
      assertThat(otherDevice.statusCode()).isEqualTo(200);
    } finally {
      for (Socket s : open) {
        s.close();
      }
      // The box's next event meets the closed browsers: their streams end.
      for (int i = 0; i < 8; i++) {
        box.sawEvent(stream + i, 0);
      }
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                send(request(goBox, "/api/status"), HttpResponse.BodyHandlers.ofString())
                        .statusCode()
                    == 200);
  }

  private static String readUntil(InputStream in, String marker) throws IOException {
    StringBuilder b = new StringBuilder();
    while (!b.toString().contains(marker)) {
      int c = in.read();
      if (c < 0) {
        throw new IOException("ended before " + marker + ": " + b);
      }
      b.append((char) c);
    }
    return b.toString();
  }

  @Test
  void unsafeMethodsNeedTheCsrfHeaderButNotAJsonBody() throws Exception {
    HttpResponse<String> noHeader =
        send(
            request(javaBox, "/echo").POST(HttpRequest.BodyPublishers.ofString("x")),
            HttpResponse.BodyHandlers.ofString());
    assertThat(noHeader.statusCode()).isEqualTo(403);
    assertThat(code(noHeader)).isEqualTo("CSRF_HEADER_MISSING");
    HttpResponse<String> plain =
        send(
            unsafe(javaBox, "/echo")
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("plain text")),
            HttpResponse.BodyHandlers.ofString());
    assertThat(plain.statusCode()).isEqualTo(200);
    assertThat(plain.body()).isEqualTo("plain text");
  }

  @Test
  void dotSegmentsAreRefused() throws Exception {
    for (String path : List.of("/a/../api/status", "/a/%2e%2e/api/status", "/./api/status")) {
      try (Socket s = new Socket("127.0.0.1", servers.api.port())) {
        s.getOutputStream()
            .write(
                ("GET /api/devices/"
                        + javaBox
                        + "/agent"
                        + path
                        + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nCookie: "
                        + dora.cookie()
                        + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
        String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertThat(answer).as(path).startsWith("HTTP/1.1 400").contains("INVALID_DEVICE_PATH");
      }
    }
  }

  @Test
  void aWebSocketConsoleEchoesTextBinaryPingsAndTheBoxsCloseCode() throws Exception {
    LinkedBlockingQueue<Object> events = new LinkedBlockingQueue<>(100);
    WebSocket ws =
        HTTP.newWebSocketBuilder()
            .header("Cookie", dora.cookie())
            .header("Origin", origin())
            .buildAsync(
                URI.create(
                    "ws://127.0.0.1:"
                        + servers.api.port()
                        + "/api/devices/"
                        + javaBox
                        + "/agent/ws"),
                new Collector(events))
            .get(20, TimeUnit.SECONDS);
    ws.sendText("hello box", true).get(10, TimeUnit.SECONDS);
    assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("hello box");

    byte[] big = new byte[1 << 20];
    new Random(7).nextBytes(big);
    ws.sendBinary(ByteBuffer.wrap(big), true).get(10, TimeUnit.SECONDS);
    assertThat(events.poll(20, TimeUnit.SECONDS)).isEqualTo(HexFormat.of().formatHex(big));

    ws.sendPing(ByteBuffer.wrap("p1".getBytes(StandardCharsets.US_ASCII)))
        .get(10, TimeUnit.SECONDS);
    assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("pong:p1");

    ws.sendText("close:4321", true).get(10, TimeUnit.SECONDS);
    assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("close:4321");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> servers.app.devices().relay().openStreams() == 0);
  }

  @Test
  void aCrossSiteWebSocketIsRefusedBeforeTheUpgrade() throws Exception {
    String answer = rawUpgrade("Origin: http://evil.example\r\nCookie: " + dora.cookie() + "\r\n");
    assertThat(answer).startsWith("HTTP/1.1 403").contains("CSRF_CROSS_ORIGIN");
    String anonymous = rawUpgrade("Origin: " + origin() + "\r\n");
    assertThat(anonymous).startsWith("HTTP/1.1 401").contains("UNAUTHENTICATED");
    String foreign =
        rawUpgrade(
            "Origin: " + origin() + "\r\nCookie: " + servers.person("mallory").cookie() + "\r\n");
    assertThat(foreign).startsWith("HTTP/1.1 404").contains("DEVICE_NOT_FOUND");
  }

  @Test
  void aBoxThatRefusesTheUpgradeGetsItsStatusThrough() throws Exception {
    String answer =
        rawUpgrade("Origin: " + origin() + "\r\nCookie: " + dora.cookie() + "\r\n", "/no-such-ws");
    assertThat(answer).startsWith("HTTP/1.1 404");
  }

  private String rawUpgrade(String headers) throws IOException {
    return rawUpgrade(headers, "/ws");
  }

  private String rawUpgrade(String headers, String boxPath) throws IOException {
    try (Socket s = new Socket("127.0.0.1", servers.api.port())) {
      s.setSoTimeout(20_000);
      s.getOutputStream()
          .write(
              ("GET /api/devices/"
                      + javaBox
                      + "/agent"
                      + boxPath
                      + " HTTP/1.1\r\nHost: 127.0.0.1:"
                      + servers.api.port()
                      + "\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                      + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                      + headers
                      + "\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    }
  }

  /** Puts what the console receives on a queue: texts, binaries as hex, pongs, the close code. */
  private record Collector(LinkedBlockingQueue<Object> events) implements WebSocket.Listener {
    private static final StringBuilder TEXT = new StringBuilder();
    private static final java.io.ByteArrayOutputStream BINARY = new java.io.ByteArrayOutputStream();

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      TEXT.append(data);
      if (last) {
        events.add(TEXT.toString());
        TEXT.setLength(0);
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
      byte[] b = new byte[data.remaining()];
      data.get(b);
      BINARY.writeBytes(b);
      if (last) {
        events.add(HexFormat.of().formatHex(BINARY.toByteArray()));
        BINARY.reset();
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onPong(WebSocket ws, ByteBuffer message) {
      events.add("pong:" + StandardCharsets.US_ASCII.decode(message));
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
      events.add("close:" + statusCode);
      return null;
    }
  }
}
