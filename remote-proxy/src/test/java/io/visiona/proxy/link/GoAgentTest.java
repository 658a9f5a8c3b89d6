package io.visiona.proxy.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.visiona.proxy.ProxySettings;
import io.visiona.proxy.support.EchoServer;
import io.visiona.proxy.support.LocalHttpServer;
import io.visiona.proxy.support.MapAuthenticator;
import io.visiona.proxy.support.ProxyFixture;
import io.visiona.proxy.support.RelayLinkClient;
import io.visiona.proxy.support.Transfers;
import io.visiona.tunnel.Stream;
import io.visiona.tunnel.gopeer.GoPeer;
import io.visiona.tunnel.gopeer.GoPeerException;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The field agent as it exists: hashicorp/yamux over gorilla/websocket, in its own process. */
@Timeout(180)
class GoAgentTest {

  private static final long MIB = 1 << 20;

  private ProxyFixture fixture;
  private EchoServer echo;
  private LocalHttpServer box;

  @BeforeEach
  void start() throws IOException {
    fixture =
        new ProxyFixture(
            ProxySettings.loopback(),
            new MapAuthenticator().add("go-http", "go-box").add("go-echo", "go-echo"));
    echo = new EchoServer();
    box = new LocalHttpServer("go-box");
  }

  @AfterEach
  void stop() throws IOException {
    fixture.close();
    echo.close();
    box.close();
  }

  private GoPeer agent(String credential, InetSocketAddress target) {
    return GoPeer.agent(
        fixture.tunnelUri(), Map.of("Authorization", "Bearer " + credential), target);
  }

  static JsonObject json(String s) {
    return Json.createReader(new StringReader(s)).readObject();
  }

  @Test
  void goAgentIsListedAndServesForwardedRequests() throws Exception {
    try (GoPeer agent = agent("go-http", box.address())) {
      await().until(() -> fixture.proxy.registry().find("go-box").isPresent());
      JsonObject list = json(fixture.get("/internal/sessions").body());
      assertThat(list.getInt("total")).isEqualTo(1);
      assertThat(list.getJsonArray("sessions").getJsonObject(0).getString("device_id"))
          .isEqualTo("go-box");
      for (int i = 0; i < 20; i++) {
        String body = "payload " + i;
        JsonObject r =
            json(
                fixture
                    .post(
                        "/internal/forward/http",
                        "{\"device_id\":\"go-box\",\"method\":\"PUT\",\"path\":\"/echo\",\"body\":\""
                            + Base64.getEncoder()
                                .encodeToString(body.getBytes(StandardCharsets.UTF_8))
                            + "\"}")
                    .body());
        assertThat(r.getInt("status")).isEqualTo(201);
        assertThat(
                new String(Base64.getDecoder().decode(r.getString("body")), StandardCharsets.UTF_8))
            .isEqualTo(body);
      }
    }
    await().until(() -> fixture.proxy.registry().size() == 0);
  }

  @Test
  void sixtyFourMebibytesEachWayAndManyStreamsThroughAGoAgent() throws Exception {
    try (GoPeer agent = agent("go-echo", echo.address());
        RelayLinkClient link = fixture.link()) {
      await().until(() -> fixture.proxy.registry().size() == 1);
      RelayLinkTest.echoRoundTrip(link, "go-echo", 7, 64 * MIB);
      List<FutureTask<Void>> all = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        long seed = i;
        all.add(
            Transfers.async(
                () -> {
                  RelayLinkTest.echoRoundTrip(link, "go-echo", seed, 128 * 1024 + seed);
                  return null;
                }));
      }
      for (FutureTask<Void> f : all) {
        f.get(120, TimeUnit.SECONDS);
      }
      await().until(() -> fixture.proxy.links().openStreams() == 0);
      await().until(() -> fixture.proxy.registry().openStreams() == 0);
    }
  }

  @Test
  void goAgentKilledMidTransferEndsTheRelayStreamWithinASecond() throws Exception {
    try (RelayLinkClient link = fixture.link()) {
      GoPeer agent = agent("go-echo", echo.address());
      await().until(() -> fixture.proxy.registry().size() == 1);
      Stream s = link.open("go-echo");
      OutputStream out = s.outputStream();
      FutureTask<Void> writer =
          Transfers.async(
              () -> {
                byte[] chunk = new byte[16 * 1024];
                while (true) {
                  out.write(chunk);
                }
              });
      byte[] buf = new byte[64 * 1024];
      long seen = 0;
      while (seen < 4 * MIB) {
        seen += s.inputStream().read(buf);
      }
      agent.close(); // destroys the process
      long killedAt = System.nanoTime();
      assertThatThrownBy(
              () -> {
                while (s.inputStream().read(buf) >= 0) {
                  // until the error
                }
              })
          .isInstanceOf(IOException.class);
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt)).isLessThan(1000);
      await().atMost(Duration.ofSeconds(1)).until(() -> fixture.proxy.registry().size() == 0);
      assertThatThrownBy(() -> writer.get(10, TimeUnit.SECONDS))
          .hasCauseInstanceOf(IOException.class);
      await().until(() -> fixture.proxy.links().openStreams() == 0);
    }
  }

  @Test
  void goAgentWithABadCredentialIsRefused() {
    assertThatThrownBy(() -> agent("wrong", box.address()))
        .isInstanceOf(GoPeerException.class)
        .hasMessageContaining("HTTP 401");
    assertThat(fixture.proxy.registry().size()).isZero();
  }

  @Test
  void goAgentReplacesItsOldTunnel() throws Exception {
    try (GoPeer first = agent("go-http", box.address())) {
      await().until(() -> fixture.proxy.registry().size() == 1);
      var old = fixture.proxy.registry().find("go-box").orElseThrow();
      try (GoPeer second = agent("go-http", box.address())) {
        assertThat(first.awaitExit(Duration.ofSeconds(10))).isIn(0, 3);
        await().until(() -> fixture.proxy.registry().find("go-box").orElseThrow() != old);
        assertThat(second.isAlive()).isTrue();
      }
    }
  }
}
