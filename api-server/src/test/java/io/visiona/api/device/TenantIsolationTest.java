package io.visiona.api.device;

import static org.assertj.core.api.Assertions.assertThat;

import io.helidon.http.Method;
import io.visiona.api.access.DeviceHttpPassthrough;
import io.visiona.api.access.DeviceTarget;
import io.visiona.api.http.ApiRoutes.Route;
import io.visiona.api.pairing.BoxInfo;
import io.visiona.api.pairing.PairingService;
import io.visiona.api.persistence.User;
import io.visiona.api.session.SessionService;
import io.visiona.api.testing.ApiHarness;
import io.visiona.api.testing.MutableClock;
import io.visiona.api.testing.TestBrowser;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The BOLA matrix (security.md §6): users A and B, each with a device, a credential, a pending
 * pairing and a session. For every {@code /api} route of the live route table and every id slot, B
 * with A's ids gets 404 and A's rows are unchanged; A's own call succeeds (the matrix is not
 * vacuous); without a cookie, 401. A route missing from the matrix fails the test.
 */
class TenantIsolationTest {

  private static final String ISSUER = "http://127.0.0.1:1/unreachable";

  /** What a tenant owns: the ids a request can name. */
  record Tenant(
      long userId,
      TestBrowser browser,
      String sessionHandle,
      String deviceId,
      String credentialId,
      String credential,
      String pendingCode) {}

  /** One id-bearing request: its path (and body) built from the ids it names. */
  record Call(String method, Function<Tenant, String> path, String body) {}

  /**
   * Every /api route with the calls that exercise its id slots; routes without id slots are listed
   * with none and checked for list leaks instead.
   */
  static final Map<String, List<Call>> MATRIX = new LinkedHashMap<>();

  static {
    MATRIX.put("GET /api/auth/login", List.of());
    MATRIX.put("GET /api/auth/callback", List.of());
    MATRIX.put("GET /api/auth/me", List.of());
    MATRIX.put("POST /api/auth/logout", List.of());
    MATRIX.put("GET /api/auth/sessions", List.of());
    MATRIX.put(
        "DELETE /api/auth/sessions/{id}",
        List.of(new Call("DELETE", t -> "/api/auth/sessions/" + t.sessionHandle(), null)));
    MATRIX.put(
        "GET /api/pairings/{code}",
        List.of(new Call("GET", t -> "/api/pairings/" + t.pendingCode(), null)));
    MATRIX.put(
        "POST /api/pairings/{code}/approve",
        List.of(new Call("POST", t -> "/api/pairings/" + t.pendingCode() + "/approve", "{}")));
    MATRIX.put(
        "POST /api/pairings/{code}/deny",
        List.of(new Call("POST", t -> "/api/pairings/" + t.pendingCode() + "/deny", null)));
    MATRIX.put("GET /api/devices", List.of());
    MATRIX.put(
        "GET /api/devices/{id}",
        List.of(new Call("GET", t -> "/api/devices/" + t.deviceId(), null)));
    MATRIX.put(
        "PATCH /api/devices/{id}",
        List.of(new Call("PATCH", t -> "/api/devices/" + t.deviceId(), "{\"name\":\"taken\"}")));
    MATRIX.put(
        "DELETE /api/devices/{id}",
        List.of(new Call("DELETE", t -> "/api/devices/" + t.deviceId(), null)));
    MATRIX.put(
        "GET /api/devices/{id}/credentials",
        List.of(new Call("GET", t -> "/api/devices/" + t.deviceId() + "/credentials", null)));
    MATRIX.put("GET /api/audit", List.of());
    for (Method m : DeviceHttpPassthrough.METHODS) {
      String method = m.text();
      MATRIX.put(
          method + " " + DeviceTarget.ROOT_ROUTE,
          List.of(new Call(method, t -> "/api/devices/" + t.deviceId() + "/agent", null)));
      MATRIX.put(
          method + " " + DeviceTarget.SUB_ROUTE,
          List.of(
              new Call(method, t -> "/api/devices/" + t.deviceId() + "/agent/api/status", null)));
    }
  }

  @TempDir Path dir;
  private final MutableClock clock = MutableClock.startingNow();
  private ApiHarness api;
  private Tenant a;
  private Tenant b;

  @BeforeEach
  void start() {
    api = ApiHarness.start(dir, clock, Map.of("oidc.issuer", ISSUER, "oidc.client-id", "spa"));
    a = tenant("alice");
    b = tenant("bob");
  }

  @AfterEach
  void stop() {
    api.close();
  }

  private Tenant tenant(String subject) {
    User u = api.app().users().upsertOnLogin(ISSUER, subject, null, subject, 0);
    SessionService.Created c = api.app().sessions().create(u, null);
    TestBrowser browser = api.browser();
    browser.cookies().put(api.app().sessions().cookieName(), c.cookieValue());
    PairingService pairing = api.app().devices().pairing();
    PairingService.Started paired = pairing.start(new BoxInfo("box", null, null, null), subject);
    pairing.approve(u.id(), paired.userCode(), subject + "'s box", "x");
    PairingService.Poll.Issued issued =
        (PairingService.Poll.Issued) pairing.poll(paired.deviceCode());
    PairingService.Started pending =
        pairing.start(new BoxInfo("pending", null, null, null), subject + "-2");
    pairing.view(u.id(), pending.userCode(), "x"); // the pending pairing is now A's to decide
    String handle = api.app().sessions().list(u.id()).getFirst().id();
    return new Tenant(
        u.id(),
        browser,
        handle,
        issued.deviceId(),
        issued.credential().substring(4, 36),
        issued.credential(),
        pending.userCode());
  }

  private HttpResponse<String> send(TestBrowser as, String method, String path, String body) {
    return method.equals("GET") ? as.get(path) : as.spa(method, path, body);
  }

  @Test
  void theMatrixCoversEveryLiveRoute() {
    Set<String> live =
        api.app().routes().routes().stream()
            .map(r -> r.method().text() + " " + r.path())
            .collect(Collectors.toSet());
    Set<String> withCredentialSlot = Set.of("DELETE /api/devices/{id}/credentials/{cid}");
    assertThat(live).isEqualTo(union(MATRIX.keySet(), withCredentialSlot));
  }

  @Test
  void anotherTenantsIdsAnswer404AndChangeNothing() {
    for (Map.Entry<String, List<Call>> route : MATRIX.entrySet()) {
      for (Call call : route.getValue()) {
        HttpResponse<String> r =
            send(b.browser(), call.method(), call.path().apply(a), call.body());
        assertThat(r.statusCode()).as("B on " + route.getKey() + " with A's ids").isEqualTo(404);
        assertAUnchanged(route.getKey());
      }
    }
    // The credential slot, with A's device and with B's own device.
    for (String path :
        List.of(
            "/api/devices/" + a.deviceId() + "/credentials/" + a.credentialId(),
            "/api/devices/" + b.deviceId() + "/credentials/" + a.credentialId())) {
      assertThat(b.browser().spa("DELETE", path, null).statusCode()).as(path).isEqualTo(404);
      assertAUnchanged("DELETE " + path);
    }
  }

  @Test
  void listsShowNoneOfAnotherTenantsIds() {
    for (String list : List.of("/api/devices", "/api/auth/sessions", "/api/audit")) {
      String body = b.browser().get(list).body();
      assertThat(body)
          .as(list)
          .doesNotContain(a.deviceId(), a.credentialId(), a.sessionHandle(), "alice");
    }
    assertThat(a.browser().get("/api/devices").body()).contains(a.deviceId());
    assertThat(a.browser().get("/api/audit").body()).contains(a.deviceId());
  }

  @Test
  void theOwnersOwnCallsSucceed() {
    // Proves the 404s above are about ownership, not broken calls. Destructive ones last.
    List<String> order =
        List.of(
            "GET /api/pairings/{code}",
            "GET /api/devices/{id}",
            "PATCH /api/devices/{id}",
            "GET /api/devices/{id}/credentials",
            "POST /api/pairings/{code}/approve");
    for (String key : order) {
      for (Call call : MATRIX.get(key)) {
        HttpResponse<String> r =
            send(a.browser(), call.method(), call.path().apply(a), call.body());
        assertThat(r.statusCode()).as("A on " + key + ": " + r.body()).isBetween(200, 299);
      }
    }
    assertThat(
            a.browser()
                .spa(
                    "DELETE",
                    "/api/devices/" + a.deviceId() + "/credentials/" + a.credentialId(),
                    null)
                .statusCode())
        .isEqualTo(204);
    assertThat(a.browser().spa("DELETE", "/api/devices/" + a.deviceId(), null).statusCode())
        .isEqualTo(204);
    assertThat(
            a.browser().spa("DELETE", "/api/auth/sessions/" + a.sessionHandle(), null).statusCode())
        .isBetween(200, 299);
  }

  @Test
  void withoutACookieEveryIdRouteIs401() {
    TestBrowser anonymous = api.browser();
    for (Map.Entry<String, List<Call>> route : MATRIX.entrySet()) {
      for (Call call : route.getValue()) {
        HttpResponse<String> r = send(anonymous, call.method(), call.path().apply(a), call.body());
        assertThat(r.statusCode()).as(route.getKey()).isEqualTo(401);
      }
    }
    assertAUnchanged("anonymous");
  }

  private void assertAUnchanged(String after) {
    HttpResponse<String> device = a.browser().get("/api/devices/" + a.deviceId());
    assertThat(device.statusCode()).as("A's device after " + after).isEqualTo(200);
    assertThat(device.body()).as("A's device name after " + after).contains("alice's box");
    assertThat(api.app().devices().verifier().verify(a.credential()))
        .as("A's credential after " + after)
        .isPresent();
    assertThat(api.app().sessions().list(a.userId())).as("A's session after " + after).hasSize(1);
    HttpResponse<String> pending = a.browser().get("/api/pairings/" + a.pendingCode());
    assertThat(pending.body()).as("A's pending pairing after " + after).contains("\"pending\"");
  }

  private static Set<String> union(Set<String> x, Set<String> y) {
    Set<String> all = new java.util.HashSet<>(x);
    all.addAll(y);
    return all;
  }

  static String key(Route r) {
    return r.method().text() + " " + r.path();
  }
}
