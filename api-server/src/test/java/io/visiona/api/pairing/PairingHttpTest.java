package io.visiona.api.pairing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.visiona.api.persistence.User;
import io.visiona.api.session.SessionService;
import io.visiona.api.testing.ApiHarness;
import io.visiona.api.testing.TestBrowser;
import io.visiona.tunnel.pairing.DeviceIdentity;
import io.visiona.tunnel.pairing.PairingClient;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pairing over real HTTP: the box is tunnel-protocol's {@link PairingClient}, the person a browser
 * with a session; RFC 8628 answers and the API's refusals as a box or SPA sees them.
 */
@Timeout(60)
class PairingHttpTest {

  private static final String ISSUER = "http://127.0.0.1:1/unreachable";

  @TempDir Path dir;
  private ApiHarness api;

  @BeforeEach
  void start() {
    api =
        ApiHarness.start(
            dir,
            Clock.systemUTC(), // the box polls in real time
            Map.of(
                "oidc.issuer", ISSUER,
                "oidc.client-id", "spa",
                "pairing.interval", "PT1S",
                "pairing.tunnel-url", "wss://proxy.example/v1/tunnel"));
  }

  @AfterEach
  void stop() {
    api.close();
  }

  private TestBrowser person(String subject) {
    User u = api.app().users().upsertOnLogin(ISSUER, subject, null, subject, 0);
    SessionService.Created c = api.app().sessions().create(u, null);
    TestBrowser b = api.browser();
    b.cookies().put(api.app().sessions().cookieName(), c.cookieValue());
    return b;
  }

  private static JsonObject json(HttpResponse<String> r) {
    return Json.createReader(new StringReader(r.body())).readObject();
  }

  private static PairingClient.BoxDescription box() {
    return new PairingClient.BoxDescription("Garage camera", "VX-2", "SN-77", "2.0.1");
  }

  @Test
  void aBoxPairsWhileItsOwnerApprovesAndThenRotatesItsCredential() throws Exception {
    TestBrowser alice = person("alice");
    PairingClient client = new PairingClient(api.base());
    DeviceIdentity id =
        client.pair(
            box(),
            prompt -> {
              HttpResponse<String> seen = alice.get("/api/pairings/" + prompt.userCode());
              assertThat(seen.statusCode()).isEqualTo(200);
              assertThat(json(seen).getString("name")).isEqualTo("Garage camera");
              assertThat(json(seen).getString("serial")).isEqualTo("SN-77");
              assertThat(json(seen).getString("client_address")).isEqualTo("127.0.0.1");
              HttpResponse<String> ok =
                  alice.spa(
                      "POST",
                      "/api/pairings/" + prompt.userCode() + "/approve",
                      "{\"name\":\"Garage\"}");
              assertThat(ok.statusCode()).isEqualTo(200);
            });
    assertThat(id.credential()).startsWith("vdc_");
    assertThat(id.tunnelUrl().toString()).isEqualTo("wss://proxy.example/v1/tunnel");

    HttpResponse<String> devices = alice.get("/api/devices");
    assertThat(devices.statusCode()).isEqualTo(200);
    JsonObject device = json(devices).getJsonArray("devices").getJsonObject(0);
    assertThat(device.getString("id")).isEqualTo(id.deviceId());
    assertThat(device.getString("name")).isEqualTo("Garage");
    assertThat(device.getString("presence")).isEqualTo("offline"); // no proxy in this test

    DeviceIdentity next = client.rotate(id);
    assertThat(next.credential()).isNotEqualTo(id.credential());
    assertThat(api.app().devices().verifier().verify(next.credential())).isPresent();
    assertThat(api.app().devices().verifier().verify(id.credential())).isPresent(); // overlap

    HttpResponse<String> creds = alice.get("/api/devices/" + id.deviceId() + "/credentials");
    assertThat(json(creds).getJsonArray("credentials")).hasSize(2);
    String oldId = id.credential().substring(4, 36);
    assertThat(
            alice
                .spa("DELETE", "/api/devices/" + id.deviceId() + "/credentials/" + oldId, null)
                .statusCode())
        .isEqualTo(204);
    assertThat(api.app().devices().verifier().verify(id.credential())).isEmpty();
    assertThatThrownBy(() -> client.rotate(id))
        .isInstanceOfSatisfying(
            io.visiona.tunnel.pairing.PairingException.class,
            e ->
                assertThat(e.reason())
                    .isEqualTo(io.visiona.tunnel.pairing.PairingException.Reason.UNAUTHORIZED));

    HttpResponse<String> audit = alice.get("/api/audit");
    assertThat(audit.body())
        .contains("pairing.approved", "pairing.exchanged", "credential.revoked")
        .doesNotContain(next.credential().substring(37));
  }

  @Test
  void aDeniedPairingEndsOnTheBoxWithAccessDenied() {
    TestBrowser alice = person("alice");
    assertThatThrownBy(
            () ->
                new PairingClient(api.base())
                    .pair(
                        box(),
                        prompt ->
                            assertThat(
                                    alice
                                        .spa(
                                            "POST",
                                            "/api/pairings/" + prompt.userCode() + "/deny",
                                            null)
                                        .statusCode())
                                .isEqualTo(200)))
        .isInstanceOfSatisfying(
            io.visiona.tunnel.pairing.PairingException.class,
            e ->
                assertThat(e.reason())
                    .isEqualTo(io.visiona.tunnel.pairing.PairingException.Reason.ACCESS_DENIED));
  }

  @Test
  void theTokenEndpointAnswersInRfc8628Form() {
    TestBrowser boxSide = api.browser();
    HttpResponse<String> started =
        boxSide.send("POST", "/v1/pair/start", "{\"name\":\"cam\"}", "application/json");
    assertThat(started.statusCode()).isEqualTo(200);
    String deviceCode = json(started).getString("device_code");
    assertThat(json(started).getInt("interval")).isEqualTo(1);
    String poll = "{\"device_code\":\"" + deviceCode + "\"}";

    HttpResponse<String> pending = boxSide.send("POST", "/v1/pair/token", poll, "application/json");
    assertThat(pending.statusCode()).isEqualTo(400);
    assertThat(json(pending).getString("error")).isEqualTo("authorization_pending");
    assertThat(pending.headers().firstValue("Cache-Control")).hasValue("no-store");

    HttpResponse<String> tooSoon = boxSide.send("POST", "/v1/pair/token", poll, "application/json");
    assertThat(json(tooSoon).getString("error")).isEqualTo("slow_down");
    assertThat(json(tooSoon).getInt("interval")).isEqualTo(6);

    HttpResponse<String> unknown =
        boxSide.send("POST", "/v1/pair/token", "{\"device_code\":\"nope\"}", "application/json");
    assertThat(json(unknown).getString("error")).isEqualTo("invalid_grant");

    HttpResponse<String> badName =
        boxSide.send("POST", "/v1/pair/start", "{\"name\":\"<script>\"}", "application/json");
    assertThat(badName.statusCode()).isEqualTo(400);
    assertThat(badName.body()).contains("\"code\":\"BAD_REQUEST\"");
    HttpResponse<String> notJson = boxSide.send("POST", "/v1/pair/start", "{", "application/json");
    assertThat(notJson.statusCode()).isEqualTo(400);
  }

  @Test
  void theSixthWrongCodeOverHttpIs429() {
    TestBrowser bob = person("bob");
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> r = bob.get("/api/pairings/BCDF-GHJK");
      assertThat(r.statusCode()).isEqualTo(404);
      assertThat(r.body()).contains("PAIRING_NOT_FOUND");
    }
    HttpResponse<String> sixth = bob.get("/api/pairings/BCDF-GHJK");
    assertThat(sixth.statusCode()).isEqualTo(429);
    assertThat(sixth.body()).contains("TOO_MANY_WRONG_CODES");
  }
}
