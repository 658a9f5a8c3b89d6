package io.visiona.proxy.presence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.visiona.proxy.ProxySettings;
import io.visiona.proxy.support.JavaAgent;
import io.visiona.proxy.support.LocalHttpServer;
import io.visiona.proxy.support.MapAuthenticator;
import io.visiona.proxy.support.ProxyFixture;
import io.visiona.proxy.support.StandInPresenceApi;
import io.visiona.proxy.tunnel.AgentTunnel;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A proxy with real agents reporting to a stand-in api-server over real HTTP. */
@Timeout(60)
class PresenceTest {

  private StandInPresenceApi api;
  private ProxyFixture fixture;
  private LocalHttpServer box;

  @BeforeEach
  void start() throws Exception {
    api = new StandInPresenceApi();
    box = new LocalHttpServer("box");
    ProxySettings settings =
        ProxySettings.loopback()
            .withPresence(
                PresenceSettings.defaults()
                    .withReportInterval(Duration.ofMillis(50))
                    .withMaxBackoff(Duration.ofMillis(200)));
    fixture =
        ProxyFixture.reportingTo(
            settings,
            new MapAuthenticator()
                .add("cred-1", "box-1")
                .add("cred-2", "box-2")
                .add("cred-3", "box-3"),
            api.uri());
  }

  @AfterEach
  void stop() {
    fixture.close();
    box.close();
    api.close();
  }

  private JavaAgent agent(String credential) throws Exception {
    return JavaAgent.connect(fixture.tunnelUri(), credential, box.address());
  }

  private String connectionOf(String device) {
    return fixture.proxy.registry().find(device).map(AgentTunnel::connectionId).orElseThrow();
  }

  private static JsonObject json(String s) {
    return Json.createReader(new StringReader(s)).readObject();
  }

  @Test
  void aCloseAnswerClosesExactlyThatConnection() throws Exception {
    try (JavaAgent one = agent("cred-1");
        JavaAgent two = agent("cred-2")) {
      await().until(() -> api.acceptedEvents().size() == 2);
      String c1 = connectionOf("box-1");
      String c2 = connectionOf("box-2");
      assertThat(api.acceptedEvents())
          .containsExactlyInAnyOrder("connect box-1 " + c1, "connect box-2 " + c2);
      // box-1 lost to a newer connection elsewhere; the one named for box-2 is not its current.
      api.nextEvents(
          200,
          "{\"close\":[{\"device\":\"box-1\",\"connection\":\""
              + c1
              + "\"},{\"device\":\"box-2\",\"connection\":\"c-999\"}]}");
      try (JavaAgent three = agent("cred-3")) {
        await().until(() -> fixture.proxy.registry().find("box-1").isEmpty());
        await().until(() -> one.session().isClosed());
        assertThat(connectionOf("box-2")).isEqualTo(c2);
        assertThat(two.session().isClosed()).isFalse();
        assertThat(fixture.proxy.registry().find("box-3")).isPresent();
        await().until(() -> api.acceptedEvents().contains("disconnect box-1 " + c1));
        assertThat(fixture.plainGet("/observe/metrics").body())
            .contains("proxy_presence_fenced_total")
            .contains("proxy_presence_reports_total")
            .contains("proxy_presence_pending_events");
      }
    }
  }

  @Test
  void aTunnelReplacedOnThisReplicaReportsTheOldDisconnectBeforeTheNewConnect() throws Exception {
    try (JavaAgent first = agent("cred-1")) {
      await().until(() -> api.acceptedEvents().size() == 1);
      String old = connectionOf("box-1");
      try (JavaAgent second = agent("cred-1")) {
        await().until(() -> !connectionOf("box-1").equals(old));
        String now = connectionOf("box-1");
        await().until(() -> api.acceptedEvents().size() == 3);
        assertThat(api.acceptedEvents())
            .containsExactly(
                "connect box-1 " + old, "disconnect box-1 " + old, "connect box-1 " + now);
        await().until(() -> first.session().isClosed());
        // The old connection's end, seen later by its watcher, reports nothing more.
        assertThat(api.acceptedEvents()).hasSize(3);
      }
    }
  }

  @Test
  void closeOfAReplacedConnectionLeavesTheNewTunnelOpen() throws Exception {
    try (JavaAgent first = agent("cred-1")) {
      await().until(() -> fixture.proxy.registry().find("box-1").isPresent());
      String old = connectionOf("box-1");
      try (JavaAgent second = agent("cred-1")) {
        await().until(() -> !connectionOf("box-1").equals(old));
        String now = connectionOf("box-1");

        HttpResponse<String> late =
            fixture.post("/internal/session/box-1/close?connection=" + old, "");
        assertThat(late.statusCode()).isEqualTo(200);
        assertThat(json(late.body()).getBoolean("closed")).isFalse();
        assertThat(connectionOf("box-1")).isEqualTo(now);
        assertThat(second.session().isClosed()).isFalse();
        assertThat(json(fixture.get("/internal/session/box-1").body()).getString("connection"))
            .isEqualTo(now);

        HttpResponse<String> bad = fixture.post("/internal/session/box-1/close?connection=a/b", "");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json(bad.body()).getJsonObject("error").getString("code")).isNotBlank();
        assertThat(connectionOf("box-1")).isEqualTo(now);

        HttpResponse<String> current =
            fixture.post("/internal/session/box-1/close?connection=" + now, "");
        assertThat(json(current.body()).getBoolean("closed")).isTrue();
        await().until(() -> second.session().isClosed());
        assertThat(fixture.proxy.registry().find("box-1")).isEmpty();
      }
    }
  }

  @Test
  void aDrainSendsTheLastDisconnects() throws Exception {
    try (JavaAgent one = agent("cred-1");
        JavaAgent two = agent("cred-2")) {
      await().until(() -> api.acceptedEvents().size() == 2);
      String c1 = connectionOf("box-1");
      String c2 = connectionOf("box-2");
      fixture.proxy.drainAndStop(Duration.ofMillis(300));
      assertThat(api.acceptedEvents())
          .containsAll(List.of("disconnect box-1 " + c1, "disconnect box-2 " + c2));
    }
  }

  @Test
  void anAbruptStopSendsNothingMore() throws Exception {
    try (JavaAgent one = agent("cred-1")) {
      await().until(() -> api.acceptedEvents().size() == 1);
      fixture.proxy.stop();
      int calls = api.calls().size();
      await().until(() -> one.session().isClosed());
      assertThat(api.calls()).hasSize(calls);
      assertThat(api.acceptedEvents()).noneMatch(e -> e.startsWith("disconnect"));
    }
  }
}
