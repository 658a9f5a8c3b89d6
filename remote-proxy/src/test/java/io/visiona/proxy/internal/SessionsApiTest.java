package io.visiona.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.visiona.proxy.ProxySettings;
import io.visiona.proxy.support.EchoServer;
import io.visiona.proxy.support.JavaAgent;
import io.visiona.proxy.support.MapAuthenticator;
import io.visiona.proxy.support.ProxyFixture;
import io.visiona.proxy.support.RelayLinkClient;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class SessionsApiTest {

  static JsonObject json(String s) {
    return Json.createReader(new StringReader(s)).readObject();
  }

  @Test
  void closeEndsTheTunnelAndIsIdempotent() throws Exception {
    try (EchoServer echo = new EchoServer();
        ProxyFixture f =
            new ProxyFixture(ProxySettings.loopback(), new MapAuthenticator().add("c", "box"));
        JavaAgent agent = JavaAgent.connect(f.tunnelUri(), "c", echo.address())) {
      await().until(() -> f.proxy.registry().size() == 1);
      HttpResponse<String> r = f.post("/internal/session/box/close", "");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(json(r.body()).getBoolean("closed")).isTrue();
      assertThat(agent.session().awaitClosed(Duration.ofSeconds(5))).isTrue();
      assertThat(f.proxy.registry().size()).isZero();
      assertThat(json(f.post("/internal/session/box/close", "").body()).getBoolean("closed"))
          .isFalse();
    }
  }

  @Test
  void openStreamsAreCountedPerSession() throws Exception {
    try (EchoServer echo = new EchoServer();
        ProxyFixture f =
            new ProxyFixture(ProxySettings.loopback(), new MapAuthenticator().add("c", "box"));
        JavaAgent agent = JavaAgent.connect(f.tunnelUri(), "c", echo.address());
        RelayLinkClient link = f.link()) {
      await().until(() -> f.proxy.registry().size() == 1);
      var s1 = link.open("box");
      var s2 = link.open("box");
      assertThat(json(f.get("/internal/session/box").body()).getInt("open_streams")).isEqualTo(2);
      assertThat(f.plainGet("/observe/metrics").body())
          .contains("proxy_streams_open{scope=\"application\",} 2.0");
      s1.reset();
      s2.reset();
      await().until(() -> json(f.get("/internal/session/box").body()).getInt("open_streams") == 0);
    }
  }

  @Test
  void invalidDeviceIdIs400AndUnknownRouteIs404() throws Exception {
    try (ProxyFixture f = new ProxyFixture(ProxySettings.loopback(), new MapAuthenticator())) {
      HttpResponse<String> bad = f.get("/internal/session/" + "x".repeat(200));
      assertThat(bad.statusCode()).isEqualTo(400);
      assertThat(json(bad.body()).getJsonObject("error").getString("code"))
          .isEqualTo("BAD_REQUEST");
      assertThat(f.get("/internal/nothing").statusCode()).isEqualTo(404);
    }
  }
}
