package io.visiona.api.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.visiona.api.pairing.BoxInfo;
import io.visiona.api.pairing.PairingService;
import io.visiona.api.persistence.User;
import io.visiona.api.testing.ApiHarness;
import io.visiona.api.testing.MutableClock;
import io.visiona.server.routes.RouteTable;
import io.visiona.server.signing.Direction;
import io.visiona.server.signing.KeyRing;
import io.visiona.server.signing.RequestSigner;
import io.visiona.server.signing.SignedHttpRequests;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /internal/agents/verify} as remote-proxy calls it: signed with the proxy→api key over
 * a real socket; every credential that is not current gets the same 401.
 */
class AgentVerifyTest {

  static final String PROXY_TO_API = "p1:" + key(1);
  static final String API_TO_PROXY = "a1:" + key(2);
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;
  private final MutableClock clock = MutableClock.startingNow();
  private ApiHarness api;

  static String key(int fill) {
    byte[] k = new byte[32];
    java.util.Arrays.fill(k, (byte) fill);
    return Base64.getEncoder().encodeToString(k);
  }

  private void start(boolean keys) {
    api =
        ApiHarness.start(
            dir,
            clock,
            keys
                ? Map.of(
                    "oidc.issuer",
                    "http://127.0.0.1:1/unreachable",
                    "oidc.client-id",
                    "spa",
                    "signing.keys.proxy-to-api",
                    PROXY_TO_API,
                    "signing.keys.api-to-proxy",
                    API_TO_PROXY)
                : Map.of("oidc.issuer", "http://127.0.0.1:1/unreachable", "oidc.client-id", "spa"));
  }

  @AfterEach
  void stop() {
    if (api != null) {
      api.close();
    }
  }

  private SignedHttpRequests proxy() {
    return new SignedHttpRequests(
        new RequestSigner(Direction.PROXY_TO_API, KeyRing.parse(PROXY_TO_API), Clock.systemUTC()));
  }

  private HttpResponse<String> verify(String body) throws Exception {
    URI uri = api.internalBase().resolve("/internal/agents/verify");
    return HTTP.send(
        proxy()
            .request("POST", uri, body.getBytes(StandardCharsets.UTF_8))
            .header("Content-Type", "application/json")
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String credentialJson(String credential) {
    return Json.createObjectBuilder().add("credential", credential).build().toString();
  }

  /** A paired device of a new user: its credential. */
  private PairingService.Poll.Issued pairedDevice(String subject) {
    User owner =
        api.app().users().upsertOnLogin("http://127.0.0.1:1/unreachable", subject, null, null, 0);
    PairingService pairing = api.app().devices().pairing();
    PairingService.Started s = pairing.start(new BoxInfo("box", null, null, null), "192.0.2.1");
    pairing.approve(owner.id(), s.userCode(), null, "192.0.2.2");
    return (PairingService.Poll.Issued) pairing.poll(s.deviceCode());
  }

  @Test
  void aCurrentCredentialNamesItsDeviceAndOwner() throws Exception {
    start(true);
    PairingService.Poll.Issued device = pairedDevice("alice");
    HttpResponse<String> r = verify(credentialJson(device.credential()));
    assertThat(r.statusCode()).isEqualTo(200);
    JsonObject o = Json.createReader(new StringReader(r.body())).readObject();
    assertThat(o.getString("device_id")).isEqualTo(device.deviceId());
    assertThat(o.getString("owner_id")).isNotBlank();
    assertThat(r.body()).doesNotContain(device.credential().substring(37));
  }

  @Test
  void everyWrongCredentialGetsTheSame401() throws Exception {
    start(true);
    String good = pairedDevice("alice").credential();
    String wrongSecret = good.substring(0, good.length() - 1) + (good.endsWith("A") ? "B" : "A");
    String unknownId = "vdc_" + "0".repeat(32) + good.substring(36);
    List<String> bodies = new ArrayList<>();
    for (String bad : List.of(wrongSecret, unknownId, "vdc_x", "", "Bearer " + good)) {
      HttpResponse<String> r = verify(credentialJson(bad));
      assertThat(r.statusCode()).as(bad).isEqualTo(401);
      bodies.add(r.body());
    }
    assertThat(bodies.stream().distinct()).hasSize(1);
    // Only the wrong secret named an existing credential: one audit entry, for its owner.
    long owner =
        api.app()
            .users()
            .upsertOnLogin("http://127.0.0.1:1/unreachable", "alice", null, null, 0)
            .id();
    assertThat(api.app().devices().audit().recentForUser(owner, 20))
        .extracting(io.visiona.api.persistence.AuditLog.Entry::action)
        .containsOnlyOnce("agent.verify_refused");
    assertThat(verify("{\"nope\":1}").statusCode()).isEqualTo(400);
    assertThat(verify("not json").statusCode()).isEqualTo(400);

    clock.advance(Duration.ofDays(366));
    assertThat(verify(credentialJson(good)).statusCode()).isEqualTo(401);
  }

  @Test
  void unsignedRequestsNeverReachTheHandlerUnderAnyPathVariant() throws Exception {
    start(true);
    String body = credentialJson(pairedDevice("alice").credential());
    List<RouteTable.Route> routes = api.app().internalRoutes().routes();
    assertThat(routes)
        .extracting(RouteTable.Route::toString)
        .contains(
            "POST /internal/agents/verify",
            "POST /internal/presence/heartbeat",
            "POST /internal/presence/events");
    List<String> passed = new ArrayList<>();
    for (RouteTable.Route route : routes) {
      String p = route.path();
      String tail = p.substring(1);
      for (String path :
          List.of(
              p,
              "/" + p,
              p + ";x=1",
              "/observe/../" + tail,
              "/observe//../" + tail,
              "/observe/./../" + tail,
              "/observe/health/../../" + tail,
              "/observe/..;/" + tail,
              "/observe/%2e%2e/" + tail,
              "/observe/%2E%2E/" + tail,
              "/%2e/" + tail,
              p.replace("/internal/", "/%69nternal/"))) {
        int status = rawPost(api.internalPort(), path, body);
        if (status != 401) {
          passed.add(path + " -> " + status);
        }
      }
      assertThat(route.handled()).as("handler of " + route).isZero();
    }
    assertThat(passed).isEmpty();
    // Health stays open for probes.
    assertThat(
            HTTP.send(
                    HttpRequest.newBuilder(api.internalBase().resolve("/observe/health")).build(),
                    HttpResponse.BodyHandlers.ofString())
                .statusCode())
        .isEqualTo(200);
  }

  @Test
  void withoutKeysEveryVerifyIsRefused() throws Exception {
    start(false);
    String credential = pairedDevice("alice").credential();
    assertThat(verify(credentialJson(credential)).statusCode()).isEqualTo(401);
  }

  private static int rawPost(int port, String path, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(
          ("POST "
                  + path
                  + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\n"
                  + "Content-Length: "
                  + bytes.length
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
      out.write(bytes);
      out.flush();
      InputStream in = s.getInputStream();
      String head = new String(in.readNBytes(12), StandardCharsets.ISO_8859_1);
      return Integer.parseInt(head.substring(9, 12));
    }
  }
}
