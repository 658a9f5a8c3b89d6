package io.visiona.api.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.helidon.http.Method;
import io.visiona.api.access.DeviceHttpPassthrough;
import io.visiona.api.access.DeviceTarget;
import io.visiona.api.console.ConsoleRoutes;
import io.visiona.api.http.ApiRoutes.Access;
import io.visiona.api.http.ApiRoutes.Route;
import io.visiona.api.persistence.User;
import io.visiona.api.session.SessionService;
import io.visiona.api.testing.ApiHarness;
import io.visiona.api.testing.MutableClock;
import io.visiona.api.testing.TestBrowser;
import io.visiona.server.routes.RouteTable;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Default deny, proven on the live route table: every route registered at run time is walked; each
 * must be classified below, each session route must answer 401 without a session, and each unsafe
 * route must refuse requests that fail the CSRF checks before its handler runs. The console's
 * static files are walked too: exactly the reviewed paths, public, GET and HEAD only.
 */
class RouteSecurityTest {

  /** The reviewed classification. A route missing here (or listed wrongly) fails the build. */
  private static Map<String, Access> classified() {
    Map<String, Access> all = new java.util.HashMap<>(REVIEWED);
    for (Method m : DeviceHttpPassthrough.METHODS) {
      all.put(m.text() + " " + DeviceTarget.ROOT_ROUTE, Access.SESSION);
      all.put(m.text() + " " + DeviceTarget.SUB_ROUTE, Access.SESSION);
    }
    return Map.copyOf(all);
  }

  /** The reviewed routes, device access (any method, session) added above. */
  private static final Map<String, Access> REVIEWED =
      Map.ofEntries(
          Map.entry("GET /api/auth/login", Access.PUBLIC),
          Map.entry("GET /api/auth/callback", Access.PUBLIC),
          Map.entry("GET /api/auth/me", Access.SESSION),
          Map.entry("POST /api/auth/logout", Access.SESSION),
          Map.entry("GET /api/auth/sessions", Access.SESSION),
          Map.entry("DELETE /api/auth/sessions/{id}", Access.SESSION),
          Map.entry("GET /api/pairings/{code}", Access.SESSION),
          Map.entry("POST /api/pairings/{code}/approve", Access.SESSION),
          Map.entry("POST /api/pairings/{code}/deny", Access.SESSION),
          Map.entry("GET /api/devices", Access.SESSION),
          Map.entry("GET /api/devices/{id}", Access.SESSION),
          Map.entry("PATCH /api/devices/{id}", Access.SESSION),
          Map.entry("DELETE /api/devices/{id}", Access.SESSION),
          Map.entry("GET /api/devices/{id}/credentials", Access.SESSION),
          Map.entry("DELETE /api/devices/{id}/credentials/{cid}", Access.SESSION),
          Map.entry("GET /api/audit", Access.SESSION));

  /** The reviewed classification, with device access. */
  static final Map<String, Access> CLASSIFIED = classified();

  /** Box routes: no session; each authenticates the box (device code or credential) itself. */
  static final Set<String> BOX_ROUTES =
      Set.of("POST /v1/pair/start", "POST /v1/pair/token", "POST /v1/device/credential/rotate");

  /**
   * The console: static files, public because they hold no data (everything personal comes from
   * {@code /api} with the session); GET and HEAD on exactly these paths.
   */
  static final Set<String> CONSOLE_PATHS =
      Set.of(
          "/",
          "/index.html",
          "/pair",
          "/console/app.js",
          "/console/api.js",
          "/console/dom.js",
          "/console/app.css",
          "/console/favicon.svg",
          "/console/views/account.js",
          "/console/views/device.js",
          "/console/views/devices.js",
          "/console/views/pair.js");

  static final Set<Method> SAFE = Set.of(Method.GET, Method.HEAD, Method.OPTIONS);

  static ApiHarness api;
  static String sessionCookie;

  @BeforeAll
  static void start(@TempDir Path dir) {
    api =
        ApiHarness.start(
            dir,
            MutableClock.startingNow(),
            Map.of("oidc.issuer", "http://127.0.0.1:1/unreachable", "oidc.client-id", "spa"));
    User u = api.app().users().upsertOnLogin("http://127.0.0.1:1/unreachable", "u", null, null, 0);
    SessionService.Created c = api.app().sessions().create(u, null);
    sessionCookie = c.cookieValue();
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  static List<Route> routes() {
    return api.app().routes().routes();
  }

  static String concrete(Route r) {
    return r.path().replaceAll("\\{[^}]+}", "x1");
  }

  static String key(Route r) {
    return r.method().text() + " " + r.path();
  }

  TestBrowser withSession() {
    TestBrowser b = api.browser();
    b.cookies().put(api.app().sessions().cookieName(), sessionCookie);
    return b;
  }

  @Test
  void everyRouteIsClassifiedAndPublicRoutesAreFew() {
    Map<String, Access> live =
        routes().stream().collect(Collectors.toMap(RouteSecurityTest::key, Route::access));
    assertThat(live).isEqualTo(CLASSIFIED);
    assertThat(live.values().stream().filter(a -> a == Access.PUBLIC)).hasSize(2);
  }

  @Test
  void boxRoutesAreExactlyTheListedOnes() {
    assertThat(api.app().boxRoutes().table().routes())
        .extracting(Object::toString)
        .containsExactlyInAnyOrderElementsOf(BOX_ROUTES);
  }

  @Test
  void consoleRoutesAreExactlyTheReviewedStaticFilesGetAndHeadOnly() {
    assertThat(api.app().console().table().routes())
        .extracting(Object::toString)
        .containsExactlyInAnyOrderElementsOf(
            CONSOLE_PATHS.stream().flatMap(p -> Stream.of("GET " + p, "HEAD " + p)).toList());
  }

  @Test
  void consoleRoutesArePublicStaticFilesThatNeverTouchTheSession() {
    for (RouteTable.Route r : api.app().console().table().routes()) {
      String what = r.toString();
      for (TestBrowser b : List.of(api.browser(), withSession())) {
        HttpResponse<String> res = b.send(r.method().text(), r.path(), null, null);
        assertThat(res.statusCode()).as(what).isEqualTo(200);
        assertThat(res.headers().firstValue("content-security-policy"))
            .as(what)
            .contains(ConsoleRoutes.CONTENT_SECURITY_POLICY);
        assertThat(res.headers().firstValue("x-content-type-options")).as(what).contains("nosniff");
        assertThat(res.headers().firstValue("set-cookie")).as(what).isEmpty();
      }
    }
    assertThat(withSession().get("/api/auth/me").statusCode()).isEqualTo(200);
  }

  @Test
  void sessionRoutesAnswerAJson401WithoutASession() {
    for (Route r : routes()) {
      if (r.access() != Access.SESSION) {
        continue;
      }
      HttpResponse<String> res =
          SAFE.contains(r.method())
              ? api.browser().send(r.method().text(), concrete(r), null, null)
              : api.browser().spa(r.method().text(), concrete(r), null);
      assertThat(res.statusCode()).as(key(r)).isEqualTo(401);
      assertThat(res.headers().firstValue("location")).as(key(r)).isEmpty();
      if (r.method() != Method.HEAD) {
        assertThat(res.body()).as(key(r)).contains("\"code\":\"UNAUTHENTICATED\"");
      }

      TestBrowser forged = api.browser();
      forged
          .cookies()
          .put(api.app().sessions().cookieName(), sessionCookie.replace(".k1.", ".k0."));
      HttpResponse<String> res2 =
          SAFE.contains(r.method())
              ? forged.send(r.method().text(), concrete(r), null, null)
              : forged.spa(r.method().text(), concrete(r), null);
      assertThat(res2.statusCode()).as(key(r) + " forged cookie").isEqualTo(401);
    }
  }

  @Test
  void unsafeRoutesRefuseRequestsFailingTheCsrfChecks() {
    List<Route> unsafe = routes().stream().filter(r -> !SAFE.contains(r.method())).toList();
    assertThat(unsafe).isNotEmpty();
    for (Route r : unsafe) {
      String m = r.method().text();
      String p = concrete(r);
      TestBrowser b = withSession();
      String origin = b.origin();
      expect(b.send(m, p, null, null, "Origin", origin), 403, "CSRF_HEADER_MISSING", r);
      expect(b.send(m, p, null, null, "X-CSRF", "0"), 403, "CSRF_HEADER_MISSING", r);
      expect(
          b.send(m, p, null, null, "X-CSRF", "1", "Origin", "https://evil.example"),
          403,
          "CSRF_CROSS_ORIGIN",
          r);
      expect(
          b.send(m, p, null, null, "X-CSRF", "1", "Origin", "null"), 403, "CSRF_CROSS_ORIGIN", r);
      expect(
          b.send(m, p, null, null, "X-CSRF", "1", "Sec-Fetch-Site", "cross-site", "Origin", origin),
          403,
          "CSRF_CROSS_ORIGIN",
          r);
      expect(
          b.send(m, p, null, null, "X-CSRF", "1", "Sec-Fetch-Site", "same-site"),
          403,
          "CSRF_CROSS_ORIGIN",
          r);
      if (DeviceTarget.matches(p)) {
        // Device access takes any body (the box's business): past the checks, the owner check.
        expect(
            b.send(m, p, "a=1", "text/plain", "X-CSRF", "1", "Origin", origin),
            404,
            "DEVICE_NOT_FOUND",
            r);
      } else {
        expect(
            b.send(m, p, "a=1", "text/plain", "X-CSRF", "1", "Origin", origin),
            415,
            "UNSUPPORTED_MEDIA_TYPE",
            r);
        expect(
            b.send(m, p, "a=1", "application/x-www-form-urlencoded", "X-CSRF", "1"),
            415,
            "UNSUPPORTED_MEDIA_TYPE",
            r);
      }
      // The session survived every refused attempt: the handlers never ran.
      assertThat(withSession().get("/api/auth/me").statusCode()).as(key(r)).isEqualTo(200);
    }
  }

  private static void expect(HttpResponse<String> res, int status, String code, Route r) {
    assertThat(res.statusCode()).as(key(r) + ": " + res.body()).isEqualTo(status);
    assertThat(res.body()).as(key(r)).contains("\"code\":\"" + code + "\"");
  }

  @Test
  void aSameOriginSpaRequestPassesTheChecks() {
    // Revoking a session that does not exist: the checks pass, the handler answers 404.
    HttpResponse<String> r = withSession().spa("DELETE", "/api/auth/sessions/none", null);
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.body()).contains("SESSION_NOT_FOUND");
    HttpResponse<String> json =
        withSession()
            .send(
                "DELETE",
                "/api/auth/sessions/none",
                "{}",
                "application/json; charset=utf-8",
                "X-CSRF",
                "1");
    assertThat(json.statusCode()).isEqualTo(404);
  }

  @Test
  void unknownApiPathsAreDeniedToo() {
    for (String p :
        new String[] {"/api", "/api/", "/api/nope", "/api/auth/me/extra", "/api/devices/1"}) {
      HttpResponse<String> r = api.browser().get(p);
      assertThat(r.statusCode()).as(p).isEqualTo(401);
      assertThat(r.body()).as(p).contains("UNAUTHENTICATED");
      assertThat(withSession().get(p).statusCode()).as(p + " with session").isEqualTo(404);
    }
    assertThat(api.browser().get("/api/auth/logout").statusCode())
        .as("GET on a POST route")
        .isEqualTo(401);
  }

  @Test
  void aForeignPreflightGetsNoCorsGrant() {
    HttpResponse<String> r =
        api.browser()
            .send(
                "OPTIONS",
                "/api/auth/logout",
                null,
                null,
                "Origin",
                "https://evil.example",
                "Access-Control-Request-Method",
                "POST",
                "Access-Control-Request-Headers",
                "x-csrf");
    assertThat(r.headers().firstValue("access-control-allow-origin")).isEmpty();
    assertThat(r.headers().firstValue("access-control-allow-credentials")).isEmpty();
  }

  @Test
  void everyApiResponseIsUncachedAndNotSniffedErrorsIncluded() {
    List<HttpResponse<String>> answers = new java.util.ArrayList<>();
    for (Route r : routes()) {
      answers.add(api.browser().send(r.method().text(), concrete(r), null, null)); // no session
      // with a session; unsafe routes then fail the CSRF check, so the shared session survives
      answers.add(withSession().send(r.method().text(), concrete(r), null, null));
    }
    answers.add(withSession().get("/api/no/such/route"));
    answers.add(api.browser().get("/api"));
    assertThat(answers.stream().map(HttpResponse::statusCode)).contains(200, 401, 403, 404, 503);
    for (HttpResponse<String> a : answers) {
      String what = a.request().method() + " " + a.uri().getPath() + " -> " + a.statusCode();
      assertThat(a.headers().firstValue("x-content-type-options")).as(what).contains("nosniff");
      assertThat(a.headers().firstValue("cache-control")).as(what).contains("no-store");
    }
  }
}
