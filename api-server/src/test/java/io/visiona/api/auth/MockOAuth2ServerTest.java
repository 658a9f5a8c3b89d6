package io.visiona.api.auth;

import static io.visiona.api.auth.OidcFlowSupport.authorize;
import static io.visiona.api.auth.OidcFlowSupport.callback;
import static io.visiona.api.auth.OidcFlowSupport.login;
import static io.visiona.api.auth.OidcFlowSupport.startLogin;
import static org.assertj.core.api.Assertions.assertThat;

import io.visiona.api.testing.ApiHarness;
import io.visiona.api.testing.MutableClock;
import io.visiona.api.testing.TestBrowser;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The happy paths against a real, independent OpenID Provider (mock-oauth2-server). */
class MockOAuth2ServerTest {

  static MockOAuth2Server idp;
  static String issuer;

  @TempDir Path dir;
  MutableClock clock = MutableClock.startingNow();
  ApiHarness api;

  @BeforeAll
  static void startIdp() {
    idp = new MockOAuth2Server();
    idp.start();
    issuer = idp.issuerUrl("default").toString();
  }

  @AfterAll
  static void stopIdp() {
    idp.shutdown();
  }

  @AfterEach
  void stopApi() {
    if (api != null) {
      api.close();
    }
  }

  TestBrowser start(Map<String, String> extra) {
    Map<String, String> s = new HashMap<>();
    s.put("oidc.issuer", issuer);
    s.put("oidc.client-id", "visiona-spa");
    // These tests are about the flow, not timeouts: a loaded machine must not turn a slow first
    // answer of the in-process provider into IDP_UNAVAILABLE.
    s.put("oidc.http-timeout", "PT60S");
    s.putAll(extra);
    api = ApiHarness.start(dir, clock, s);
    return api.browser();
  }

  static JsonObject json(HttpResponse<String> r) {
    return Json.createReader(new StringReader(r.body())).readObject();
  }

  @Test
  void publicClientLogsInSeesItselfAndLogsOut() {
    TestBrowser b = start(Map.of());
    HttpResponse<String> done = login(b, "/home");
    assertThat(done.statusCode()).as(done.body()).isEqualTo(302);
    assertThat(done.headers().firstValue("location")).contains("/home");

    HttpResponse<String> me = b.get("/api/auth/me");
    assertThat(me.statusCode()).isEqualTo(200);
    JsonObject user = json(me).getJsonObject("user");
    assertThat(user.getString("issuer")).isEqualTo(issuer);
    assertThat(user.getString("subject")).isNotBlank();

    HttpResponse<String> out = b.spa("POST", "/api/auth/logout", null);
    assertThat(out.statusCode()).isEqualTo(200);
    String end = json(out).getString("endSessionUrl");
    assertThat(end).startsWith(issuer).contains("client_id=visiona-spa");
    assertThat(end).doesNotContain("id_token_hint").doesNotContain("eyJ");
    assertThat(b.get("/api/auth/me").statusCode()).isEqualTo(401);
  }

  @Test
  void confidentialClientLogsIn() {
    TestBrowser b =
        start(
            Map.of(
                "oidc.client-secret", "very-secret",
                "oidc.client-auth", "client_secret_post",
                "oidc.post-logout-redirect-uri", "http://127.0.0.1/bye"));
    assertThat(login(b, "/").statusCode()).isEqualTo(302);
    assertThat(b.get("/api/auth/me").statusCode()).isEqualTo(200);
    String end = json(b.spa("POST", "/api/auth/logout", null)).getString("endSessionUrl");
    assertThat(end).contains("post_logout_redirect_uri=http%3A%2F%2F127.0.0.1%2Fbye");
  }

  @Test
  void twoTabsLogInAtOnce() {
    TestBrowser b = start(Map.of());
    URI one = authorize(b, startLogin(b, "/one"));
    URI two = authorize(b, startLogin(b, "/two"));
    assertThat(callback(b, one).headers().firstValue("location")).contains("/one");
    assertThat(callback(b, two).headers().firstValue("location")).contains("/two");
    assertThat(b.get("/api/auth/me").statusCode()).isEqualTo(200);
  }

  @Test
  void serviceClientCachesItsTokenUntilShortlyBeforeExpiry() {
    start(
        Map.of(
            "service-client.client-id", "visiona-backend",
            "service-client.client-secret", "backend-secret",
            "service-client.scope", "idp-api"));
    ServiceClient client = api.app().serviceClient();
    String first = client.accessToken();
    assertThat(first).isNotBlank();
    assertThat(client.accessToken()).isEqualTo(first);
    JsonObject claims =
        Json.createReader(
                new StringReader(
                    new String(
                        java.util.Base64.getUrlDecoder().decode(first.split("\\.")[1]),
                        java.nio.charset.StandardCharsets.UTF_8)))
            .readObject();
    long lifetime =
        claims.getJsonNumber("exp").longValue() - claims.getJsonNumber("iat").longValue();
    // expires_in may be a second short of exp - iat (the provider counts from its own clock)
    clock.advance(Duration.ofSeconds(lifetime - 65));
    assertThat(client.accessToken()).isEqualTo(first);
    clock.advance(Duration.ofSeconds(10)); // inside the 60 s refresh margin
    assertThat(client.accessToken()).isNotEqualTo(first);
  }

  @Test
  void anUnconfiguredServiceClientSaysSo() {
    start(Map.of());
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> api.app().serviceClient().accessToken())
        .hasMessageContaining("client-id");
  }
}
