package io.visiona.api.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.visiona.api.testing.ApiHarness;
import io.visiona.api.testing.FakeOp;
import io.visiona.api.testing.MutableClock;
import io.visiona.api.testing.TestBrowser;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The session cookie as a browser sees it, through real logins. */
class SessionCookieTest {

  static final String SESSION = "__Host-visiona-session";

  @TempDir Path dir;
  MutableClock clock = MutableClock.startingNow();
  FakeOp op;
  ApiHarness api;

  @AfterEach
  void tearDown() {
    if (api != null) {
      api.close();
    }
    if (op != null) {
      op.close();
    }
  }

  TestBrowser start(Map<String, String> extra) throws Exception {
    op = new FakeOp(clock);
    Map<String, String> s = new HashMap<>(op.settings());
    s.putAll(extra);
    api = ApiHarness.start(dir, clock, s);
    return api.browser();
  }

  static HttpResponse<String> login(TestBrowser b) {
    URI authz = TestBrowser.location(b.get("/api/auth/login"));
    URI cb = TestBrowser.location(b.get(authz.toString()));
    HttpResponse<String> r = b.get(cb.toString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(302);
    return r;
  }

  static String sessionSetCookie(HttpResponse<String> r, String name) {
    return r.headers().allValues("set-cookie").stream()
        .filter(c -> c.startsWith(name + "="))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void theSessionCookieHasEveryProtectiveAttribute() throws Exception {
    TestBrowser b = start(Map.of());
    String sc = sessionSetCookie(login(b), SESSION);
    assertThat(sc.split("; "))
        .contains("Path=/", "Secure", "HttpOnly", "SameSite=Strict")
        .noneMatch(a -> a.startsWith("Domain"))
        .noneMatch(a -> a.startsWith("Max-Age"));
    assertThat(sc.split(";")[0].split("=", 2)[1])
        .matches("[A-Za-z0-9_-]{43}\\.\\d+\\.k1\\.[A-Za-z0-9_-]{43}");
  }

  @Test
  void theDevelopmentSwitchDropsSecureAndThePrefix() throws Exception {
    TestBrowser b = start(Map.of("session.insecure-dev-cookies", "true"));
    String sc = sessionSetCookie(login(b), "visiona-session");
    assertThat(sc).doesNotContain("Secure").contains("HttpOnly").contains("SameSite=Strict");
    assertThat(b.get("/api/auth/me").statusCode()).isEqualTo(200);
  }

  @Test
  void theSessionIdIsRotatedAtLogin() throws Exception {
    TestBrowser b = start(Map.of());
    login(b);
    String before = b.cookies().get(SESSION);
    login(b);
    String after = b.cookies().get(SESSION);
    assertThat(after).isNotEqualTo(before);
    assertThat(b.get("/api/auth/me").statusCode()).isEqualTo(200);
    TestBrowser old = api.browser();
    old.cookies().put(SESSION, before);
    HttpResponse<String> r = old.get("/api/auth/me");
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.body()).contains("UNAUTHENTICATED");
  }

  @Test
  void idleAndAbsoluteLimitsApplyOverHttp() throws Exception {
    TestBrowser b =
        start(Map.of("session.idle-timeout", "PT10M", "session.absolute-timeout", "PT25M"));
    login(b);
    clock.advance(Duration.ofMinutes(9));
    assertThat(b.get("/api/auth/me").statusCode()).isEqualTo(200);
    clock.advance(Duration.ofMinutes(9));
    assertThat(b.get("/api/auth/me").statusCode()).isEqualTo(200);
    clock.advance(Duration.ofMinutes(8)); // 26 min after login
    assertThat(b.get("/api/auth/me").statusCode()).isEqualTo(401);

    TestBrowser idle = api.browser();
    login(idle);
    clock.advance(Duration.ofMinutes(10));
    assertThat(idle.get("/api/auth/me").statusCode()).isEqualTo(401);
  }

  @Test
  void usersListAndRevokeTheirSessions() throws Exception {
    TestBrowser laptop = start(Map.of());
    login(laptop);
    TestBrowser phone = api.browser();
    login(phone);

    HttpResponse<String> list = laptop.get("/api/auth/sessions");
    assertThat(list.statusCode()).isEqualTo(200);
    JsonArray sessions =
        Json.createReader(new StringReader(list.body())).readObject().getJsonArray("sessions");
    assertThat(sessions).hasSize(2);
    String phoneId =
        sessions.stream()
            .map(v -> v.asJsonObject())
            .filter(o -> !o.getBoolean("current"))
            .findFirst()
            .orElseThrow()
            .getString("id");

    assertThat(laptop.spa("DELETE", "/api/auth/sessions/" + phoneId, null).statusCode())
        .isEqualTo(204);
    assertThat(phone.get("/api/auth/me").statusCode()).isEqualTo(401);
    assertThat(laptop.get("/api/auth/me").statusCode()).isEqualTo(200);
    HttpResponse<String> again = laptop.spa("DELETE", "/api/auth/sessions/" + phoneId, null);
    assertThat(again.statusCode()).isEqualTo(404);
    assertThat(again.body()).contains("SESSION_NOT_FOUND");
  }
}
