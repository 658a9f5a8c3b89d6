package io.visiona.proxy.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.visiona.proxy.ProxySettings;
import io.visiona.proxy.support.JavaAgent;
import io.visiona.proxy.support.LocalHttpServer;
import io.visiona.proxy.support.MapAuthenticator;
import io.visiona.proxy.support.ProxyFixture;
import io.visiona.proxy.support.RawHttp;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class TunnelTest {

  private ProxyFixture fixture;
  private LocalHttpServer box;

  @BeforeEach
  void start() throws IOException {
    fixture =
        new ProxyFixture(
            ProxySettings.loopback(),
            new MapAuthenticator().add("cred-1", "box-1").add("cred-2", "box-2"));
    box = new LocalHttpServer("box-1");
  }

  @AfterEach
  void stop() {
    fixture.close();
    box.close();
  }

  static JsonObject json(String s) {
    return Json.createReader(new StringReader(s)).readObject();
  }

  static String forward(String device, String method, String path, String body) {
    var b =
        Json.createObjectBuilder()
            .add("device_id", device)
            .add("method", method)
            .add("path", path)
            .add("headers", Json.createObjectBuilder().add("X-Test", "yes"));
    if (body != null) {
      b.add("body", Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8)));
    }
    return b.build().toString();
  }

  static String decodedBody(JsonObject response) {
    return new String(
        Base64.getDecoder().decode(response.getString("body")), StandardCharsets.UTF_8);
  }

  @Test
  void javaAgentConnectsIsListedAndServesForwardedRequests() throws Exception {
    try (JavaAgent agent = JavaAgent.connect(fixture.tunnelUri(), "cred-1", box.address())) {
      await().until(() -> fixture.proxy.registry().find("box-1").isPresent());

      JsonObject list = json(fixture.get("/internal/sessions").body());
      assertThat(list.getInt("total")).isEqualTo(1);
      JsonObject s = list.getJsonArray("sessions").getJsonObject(0);
      assertThat(s.getString("device_id")).isEqualTo("box-1");
      assertThat(s.getString("owner_id")).isEqualTo("owner-of-box-1");
      assertThat(s.getBoolean("connected")).isTrue();
      assertThat(s.getString("remote_addr")).startsWith("127.0.0.1:");
      assertThat(s.containsKey("connected_at")).isTrue();
      assertThat(s.containsKey("last_heartbeat")).isTrue();

      HttpResponse<String> hello =
          fixture.post("/internal/forward/http", forward("box-1", "GET", "/hello", null));
      assertThat(hello.statusCode()).isEqualTo(200);
      JsonObject r = json(hello.body());
      assertThat(r.getInt("status")).isEqualTo(200);
      assertThat(decodedBody(r)).isEqualTo("hello from box-1");

      HttpResponse<String> echo =
          fixture.post("/internal/forward/http", forward("box-1", "POST", "/echo", "ping body"));
      JsonObject e = json(echo.body());
      assertThat(e.getInt("status")).isEqualTo(201);
      assertThat(decodedBody(e)).isEqualTo("ping body");
      assertThat(e.getJsonObject("headers").getJsonArray("X-method").getString(0))
          .isEqualTo("POST");
      assertThat(e.getJsonObject("headers").getJsonArray("X-test").getString(0)).isEqualTo("yes");

      JsonObject one = json(fixture.get("/internal/session/box-1").body());
      assertThat(one.getInt("bytes_in")).isPositive();
      assertThat(one.getInt("bytes_out")).isPositive();
      assertThat(one.getInt("open_streams")).isZero();
    }
    await().until(() -> fixture.proxy.registry().size() == 0);
    assertThat(json(fixture.get("/internal/session/box-1").body()).getBoolean("connected"))
        .isFalse();
  }

  @Test
  void missingCredentialIsRefusedWith401Json() throws Exception {
    RawHttp.Response r = RawHttp.upgrade(fixture.proxy.tunnelPort(), "/v1/tunnel", Map.of());
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.text()).containsIgnoringCase("content-type: application/json");
    assertThat(json(r.body()).getJsonObject("error").getString("code")).isEqualTo("UNAUTHORIZED");
    assertThat(fixture.agents.calls()).isZero();
  }

  @Test
  void badCredentialIsRefusedWith401JsonAndNoTunnel() throws Exception {
    RawHttp.Response r =
        RawHttp.upgrade(
            fixture.proxy.tunnelPort(), "/v1/tunnel", Map.of("Authorization", "Bearer wrong"));
    assertThat(r.status()).isEqualTo(401);
    assertThat(json(r.body()).getJsonObject("error").getString("code")).isEqualTo("UNAUTHORIZED");
    assertThat(r.text()).doesNotContain("wrong");
    assertThatThrownBy(() -> JavaAgent.connect(fixture.tunnelUri(), "wrong", box.address()))
        .isInstanceOf(IOException.class);
    assertThat(fixture.proxy.registry().size()).isZero();
    assertThat(fixture.plainGet("/observe/metrics").body())
        .contains("proxy_auth_failures_total{reason=\"invalid\"");
  }

  @Test
  void secondConnectionOfADeviceReplacesTheFirst() throws Exception {
    try (LocalHttpServer second = new LocalHttpServer("the second");
        JavaAgent first = JavaAgent.connect(fixture.tunnelUri(), "cred-1", box.address())) {
      await().until(() -> fixture.proxy.registry().find("box-1").isPresent());
      AgentTunnel old = fixture.proxy.registry().find("box-1").orElseThrow();
      try (JavaAgent replacement =
          JavaAgent.connect(fixture.tunnelUri(), "cred-1", second.address())) {
        assertThat(first.session().awaitClosed(Duration.ofSeconds(5))).isTrue();
        await().until(() -> fixture.proxy.registry().find("box-1").orElseThrow() != old);
        assertThat(fixture.proxy.registry().size()).isEqualTo(1);
        JsonObject r =
            json(
                fixture
                    .post("/internal/forward/http", forward("box-1", "GET", "/hello", null))
                    .body());
        assertThat(decodedBody(r)).isEqualTo("hello from the second");
        assertThat(replacement.session().isClosed()).isFalse();
      }
    }
  }

  @Test
  void plainGetOnTunnelPathAsksForUpgradeAndInternalPathsAreNotPublic() throws Exception {
    var http = java.net.http.HttpClient.newHttpClient();
    var tunnelGet =
        http.send(
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(
                        "http://127.0.0.1:" + fixture.proxy.tunnelPort() + "/v1/tunnel"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(tunnelGet.statusCode()).isEqualTo(426);
    for (String path :
        new String[] {"/internal/sessions", "/internal/session/box-1", "/observe/health"}) {
      var r =
          http.send(
              java.net.http.HttpRequest.newBuilder(
                      java.net.URI.create("http://127.0.0.1:" + fixture.proxy.tunnelPort() + path))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(path).isEqualTo(404);
    }
    RawHttp.Response link = RawHttp.upgrade(fixture.proxy.tunnelPort(), "/internal/link", Map.of());
    assertThat(link.status()).isEqualTo(404);
  }
}
