package io.visiona.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.visiona.demobox.DemoBox;
import io.visiona.demobox.DemoBoxSettings;
import io.visiona.tunnel.agent.AgentState;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo box as a person meets it: started with no credential it pairs (the person approves the
 * code it shows), connects, and its local API answers through the api-server; started again it
 * connects with the stored credential without pairing.
 */
@Timeout(120)
class DemoBoxTest {

  @TempDir Path dir;
  private TwoServers servers;

  @AfterEach
  void stop() {
    if (servers != null) {
      servers.close();
    }
  }

  @Test
  void pairsConnectsAndServesItsApiThroughTheTunnel() throws Exception {
    servers = TwoServers.start(dir.resolve("db"), Map.of());
    TwoServers.Person dana = servers.person("dana");
    DemoBoxSettings settings =
        new DemoBoxSettings(0, servers.apiBase(), dir.resolve("box"), "Demo porch", 16, 10);
    AtomicInteger prompts = new AtomicInteger();

    String deviceId;
    try (DemoBox box =
        DemoBox.start(
            settings,
            prompt -> {
              prompts.incrementAndGet();
              assertThat(prompt.verificationUri().toString()).startsWith("http");
              assertThat(
                      dana.call("POST", "/api/pairings/" + prompt.userCode() + "/approve", null)
                          .statusCode())
                  .isEqualTo(200);
            })) {
      deviceId = box.identity().deviceId();
      awaitConnected(box);

      HttpResponse<String> status = dana.get("/api/devices/" + deviceId + "/agent/api/status");
      assertThat(status.statusCode()).isEqualTo(200);
      assertThat(status.body())
          .matches(
              "\\{\"name\":\"Demo porch\",\"uptime_seconds\":\\d+,\"frames_sent\":\\d+,"
                  + "\"time\":\"[^\"]+\"}");

      BufferedImage frame = firstCameraFrame(dana, deviceId);
      assertThat(frame.getWidth()).isEqualTo(320);
      assertThat(frame.getHeight()).isEqualTo(240);

      assertThat(echoThroughTheTunnel(dana, deviceId)).containsExactly("hello demo", "close 4000");
    }
    assertThat(prompts).hasValue(1);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("box"))))
        .isEqualTo("rwx------");
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("box/credential"))))
        .isEqualTo("rw-------");

    try (DemoBox again = DemoBox.start(settings, prompt -> prompts.incrementAndGet())) {
      assertThat(again.identity().deviceId()).isEqualTo(deviceId);
      awaitConnected(again);
      assertThat(dana.get("/api/devices/" + deviceId + "/agent/api/status").body())
          .contains("\"name\":\"Demo porch\"");
    }
    assertThat(prompts).hasValue(1);
  }

  private void awaitConnected(DemoBox box) {
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> box.agent().agent().state() == AgentState.CONNECTED);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> servers.proxy.registry().find(box.identity().deviceId()).isPresent());
  }

  /** The first JPEG of the box's camera, streamed through the api-server. */
  private static BufferedImage firstCameraFrame(TwoServers.Person person, String deviceId)
      throws IOException, InterruptedException {
    HttpResponse<InputStream> res =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        person.api().resolve("/api/devices/" + deviceId + "/agent/camera.mjpeg"))
                    .header("Cookie", person.cookie())
                    .build(),
                HttpResponse.BodyHandlers.ofInputStream());
    assertThat(res.statusCode()).isEqualTo(200);
    assertThat(res.headers().firstValue("content-type").orElse(""))
        .startsWith("multipart/x-mixed-replace; boundary=");
    try (DataInputStream in = new DataInputStream(res.body())) {
      int length = -1;
      for (String line = line(in); !(line.isEmpty() && length >= 0); line = line(in)) {
        if (line.regionMatches(true, 0, "Content-Length: ", 0, 16)) {
          length = Integer.parseInt(line.substring(16));
        }
      }
      byte[] jpeg = new byte[length];
      in.readFully(jpeg);
      return ImageIO.read(new ByteArrayInputStream(jpeg));
    }
  }

  /** A text message and a close through the api-server's WebSocket passthrough to the box. */
  private List<String> echoThroughTheTunnel(TwoServers.Person person, String deviceId)
      throws Exception {
    LinkedBlockingQueue<String> got = new LinkedBlockingQueue<>(10);
    WebSocket ws =
        HttpClient.newHttpClient()
            .newWebSocketBuilder()
            .header("Cookie", person.cookie())
            .header("Origin", "http://127.0.0.1:" + servers.api.port())
            .buildAsync(
                URI.create(
                    "ws://127.0.0.1:"
                        + servers.api.port()
                        + "/api/devices/"
                        + deviceId
                        + "/agent/ws"),
                new WebSocket.Listener() {
                  @Override
                  public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                    got.add(data.toString());
                    w.request(1);
                    return null;
                  }

                  @Override
                  public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
                    got.add("close " + code);
                    return null;
                  }
                })
            .get(20, TimeUnit.SECONDS);
    List<String> seen = new ArrayList<>();
    ws.sendText("hello demo", true).get(10, TimeUnit.SECONDS);
    seen.add(got.poll(10, TimeUnit.SECONDS));
    ws.sendClose(4000, "done").get(10, TimeUnit.SECONDS);
    seen.add(got.poll(10, TimeUnit.SECONDS));
    return seen;
  }

  private static String line(DataInputStream in) throws IOException {
    StringBuilder b = new StringBuilder();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        throw new IOException("the stream ended");
      }
      if (c != '\r') {
        b.append((char) c);
      }
    }
    return b.toString();
  }
}
