package io.visiona.api.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.visiona.api.pairing.BoxInfo;
import io.visiona.api.pairing.PairingService;
import io.visiona.api.persistence.User;
import io.visiona.api.testing.ApiHarness;
import io.visiona.api.testing.MutableClock;
import io.visiona.server.signing.Direction;
import io.visiona.server.signing.KeyRing;
import io.visiona.server.signing.RequestSigner;
import io.visiona.server.signing.SignatureHeader;
import io.visiona.server.signing.SignedHttpRequests;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /internal/presence/heartbeat|events} as proxy replicas call them (signed, real
 * sockets), the fence call that reaches the older replica (a real HTTP listener standing in for
 * it), and presence as {@code GET /api/devices} shows it.
 */
class PresenceEndpointsTest {

  private static final String ISSUER = "http://127.0.0.1:1/unreachable";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;
  private final MutableClock clock = MutableClock.startingNow();
  private ApiHarness api;
  private HttpServer oldReplica;
  private final BlockingQueue<String> oldReplicaCalls = new ArrayBlockingQueue<>(16);

  @BeforeEach
  void start() throws Exception {
    api =
        ApiHarness.start(
            dir,
            clock,
            Map.of(
                "oidc.issuer",
                ISSUER,
                "oidc.client-id",
                "spa",
                "signing.keys.proxy-to-api",
                AgentVerifyTest.PROXY_TO_API,
                "signing.keys.api-to-proxy",
                AgentVerifyTest.API_TO_PROXY,
                "presence.replica-lease",
                "PT30S"));
    oldReplica = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    oldReplica.createContext(
        "/",
        ex -> {
          boolean signed = ex.getRequestHeaders().getFirst(SignatureHeader.NAME) != null;
          oldReplicaCalls.offer(
              ex.getRequestMethod() + " " + ex.getRequestURI() + (signed ? " signed" : ""));
          byte[] body = "{\"closed\":true}".getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(200, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    oldReplica.start();
  }

  @AfterEach
  void stop() {
    oldReplica.stop(0);
    api.close();
  }

  private URI oldReplicaUrl() {
    return URI.create("http://127.0.0.1:" + oldReplica.getAddress().getPort());
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    SignedHttpRequests proxy =
        new SignedHttpRequests(
            new RequestSigner(
                Direction.PROXY_TO_API,
                KeyRing.parse(AgentVerifyTest.PROXY_TO_API),
                Clock.systemUTC()));
    return HTTP.send(
        proxy
            .request(
                "POST", api.internalBase().resolve(path), body.getBytes(StandardCharsets.UTF_8))
            .header("Content-Type", "application/json")
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> heartbeat(String replica, String boot, URI url) throws Exception {
    return post(
        "/internal/presence/heartbeat",
        Json.createObjectBuilder()
            .add("replica", replica)
            .add("boot", boot)
            .add("internal_url", url.toString())
            .add("tunnels", 1)
            .build()
            .toString());
  }

  private HttpResponse<String> connect(
      String replica, String boot, String device, String c, long at) throws Exception {
    return events(
        replica,
        boot,
        Json.createArrayBuilder()
            .add(
                Json.createObjectBuilder()
                    .add("type", "connect")
                    .add("device", device)
                    .add("connection", c)
                    .add("at", at)));
  }

  private HttpResponse<String> events(String replica, String boot, JsonArrayBuilder events)
      throws Exception {
    return post(
        "/internal/presence/events",
        Json.createObjectBuilder()
            .add("replica", replica)
            .add("boot", boot)
            .add("events", events)
            .build()
            .toString());
  }

  private User owner;

  private String pairedDevice() {
    owner = api.app().users().upsertOnLogin(ISSUER, "alice", null, null, 0);
    PairingService pairing = api.app().devices().pairing();
    PairingService.Started s = pairing.start(new BoxInfo("box", null, null, null), "192.0.2.1");
    pairing.approve(owner.id(), s.userCode(), null, "192.0.2.2");
    return ((PairingService.Poll.Issued) pairing.poll(s.deviceCode())).deviceId();
  }

  private HttpResponse<String> asOwner(String method, String path) throws Exception {
    String cookie =
        api.app().sessions().cookieName()
            + "="
            + api.app().sessions().create(owner, null).cookieValue();
    String origin = "http://127.0.0.1:" + api.base().getPort();
    return HTTP.send(
        HttpRequest.newBuilder(api.base().resolve(path))
            .header("Cookie", cookie)
            .header("X-CSRF", "1")
            .header("Origin", origin)
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JsonObject json(HttpResponse<String> r) {
    return Json.createReader(new StringReader(r.body())).readObject();
  }

  @Test
  void aNewerConnectElsewhereFencesTheOlderReplicaOverHttp() throws Exception {
    String device = pairedDevice();
    HttpResponse<String> beat = heartbeat("p1", "boot-1", oldReplicaUrl());
    assertThat(beat.statusCode()).isEqualTo(200);
    assertThat(json(beat).getJsonNumber("lease_ms").longValue()).isEqualTo(30_000);
    assertThat(heartbeat("p2", "boot-2", URI.create("http://127.0.0.1:1")).statusCode())
        .isEqualTo(200);

    HttpResponse<String> first = connect("p1", "boot-1", device, "c-17", clock.millis());
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(json(first).getJsonArray("close")).isEmpty();
    assertThat(asOwner("GET", "/api/devices").body())
        .contains("\"presence\":\"online\"")
        .contains("\"online_since\":\"" + clock.instant() + "\"");

    HttpResponse<String> newer = connect("p2", "boot-2", device, "c-1", clock.millis() + 5);
    assertThat(json(newer).getJsonArray("close")).isEmpty();
    // p1 is told, signed, to close exactly its older connection.
    assertThat(oldReplicaCalls.poll(10, TimeUnit.SECONDS))
        .isEqualTo("POST /internal/session/" + device + "/close?connection=c-17 signed");

    // p1's late connect, older than p2's: listed for p1 to close.
    HttpResponse<String> late = connect("p1", "boot-1", device, "c-18", clock.millis() + 1);
    assertThat(json(late).getJsonArray("close").getJsonObject(0).getString("connection"))
        .isEqualTo("c-18");
  }

  @Test
  void theLeaseOfADeadReplicaEndsAndTheDeviceShowsOffline() throws Exception {
    String device = pairedDevice();
    heartbeat("p1", "boot-1", oldReplicaUrl());
    connect("p1", "boot-1", device, "c-1", clock.millis());
    assertThat(asOwner("GET", "/api/devices/" + device).body()).contains("\"online\"");
    clock.advance(Duration.ofSeconds(30));
    assertThat(asOwner("GET", "/api/devices/" + device).body())
        .contains("\"presence\":\"offline\"")
        .doesNotContain("online_since");
  }

  @Test
  void deletingADeviceClosesItsTunnelOnTheReplicaThatHoldsIt() throws Exception {
    String device = pairedDevice();
    heartbeat("p1", "boot-1", oldReplicaUrl());
    connect("p1", "boot-1", device, "c-1", clock.millis());
    assertThat(asOwner("DELETE", "/api/devices/" + device).statusCode()).isEqualTo(204);
    assertThat(oldReplicaCalls.poll(10, TimeUnit.SECONDS))
        .isEqualTo("POST /internal/session/" + device + "/close signed");
    // Its connect from now on is for an unknown device: the replica is told to close it.
    HttpResponse<String> again = connect("p1", "boot-1", device, "c-2", clock.millis());
    assertThat(json(again).getJsonArray("close")).hasSize(1);
  }

  @Test
  void eventsOfAnOldBootAre409StaleBoot() throws Exception {
    String device = pairedDevice();
    heartbeat("p1", "boot-1", oldReplicaUrl());
    heartbeat("p1", "boot-2", oldReplicaUrl());
    HttpResponse<String> r = connect("p1", "boot-1", device, "c-1", clock.millis());
    assertThat(r.statusCode()).isEqualTo(409);
    assertThat(r.body()).contains("\"code\":\"STALE_BOOT\"");
    assertThat(connect("never-beat", "b", device, "c-1", clock.millis()).statusCode())
        .isEqualTo(409);
  }

  @Test
  void everyMalformedBodyIsA400WithTheReason() throws Exception {
    heartbeat("p1", "boot-1", oldReplicaUrl());
    JsonArrayBuilder tooMany = Json.createArrayBuilder();
    for (int i = 0; i < 1001; i++) {
      tooMany.add(
          Json.createObjectBuilder()
              .add("type", "disconnect")
              .add("device", "d")
              .add("connection", "c"));
    }
    HttpResponse<String> overLimit = events("p1", "boot-1", tooMany);
    assertThat(overLimit.statusCode()).isEqualTo(400);
    assertThat(overLimit.body()).contains("at most 1000 events");

    for (String body :
        new String[] {
          "not json",
          "[]",
          "{}",
          "{\"replica\":\"p1\",\"boot\":\"boot-1\"}",
          "{\"replica\":\"p 1\",\"boot\":\"boot-1\",\"events\":[]}",
          "{\"replica\":\"p1\",\"boot\":\"boot-1\",\"events\":[1]}",
          "{\"replica\":\"p1\",\"boot\":\"boot-1\",\"events\":[{\"type\":\"hello\",\"device\":\"d\",\"connection\":\"c\"}]}",
          "{\"replica\":\"p1\",\"boot\":\"boot-1\",\"events\":[{\"type\":\"connect\",\"device\":\"d\",\"connection\":\"c\"}]}",
          "{\"replica\":\"p1\",\"boot\":\"boot-1\",\"events\":[{\"type\":\"connect\",\"device\":\"d\",\"connection\":\"c\",\"at\":-1}]}",
          "{\"replica\":\"p1\",\"boot\":\"boot-1\",\"events\":[{\"type\":\"connect\",\"device\":\"\",\"connection\":\"c\",\"at\":1}]}"
        }) {
      HttpResponse<String> r = post("/internal/presence/events", body);
      assertThat(r.statusCode()).as(body).isEqualTo(400);
      assertThat(r.body()).as(body).contains("\"code\":\"BAD_REQUEST\"");
    }
    for (String body :
        new String[] {
          "{\"replica\":\"p1\",\"boot\":\"b\",\"internal_url\":\"ftp://x\",\"tunnels\":0}",
          "{\"replica\":\"p1\",\"boot\":\"b\",\"internal_url\":\"http://x/?q=1\",\"tunnels\":0}",
          "{\"replica\":\"p1\",\"boot\":\"b\",\"internal_url\":\"http://x\",\"tunnels\":-1}",
          "{\"replica\":\"p1\",\"boot\":\"b\",\"internal_url\":\"http://x\",\"tunnels\":1.5}",
          "{\"replica\":\""
              + "p".repeat(65)
              + "\",\"boot\":\"b\",\"internal_url\":\"http://x\",\"tunnels\":0}",
          "{\"replica\":\"p1\",\"internal_url\":\"http://x\",\"tunnels\":0}"
        }) {
      HttpResponse<String> r = post("/internal/presence/heartbeat", body);
      assertThat(r.statusCode()).as(body).isEqualTo(400);
      assertThat(r.body()).as(body).contains("\"code\":\"BAD_REQUEST\"");
    }
  }
}
