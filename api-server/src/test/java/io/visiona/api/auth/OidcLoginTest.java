package io.visiona.api.auth;

import static io.visiona.api.auth.OidcFlowSupport.authorize;
import static io.visiona.api.auth.OidcFlowSupport.callback;
import static io.visiona.api.auth.OidcFlowSupport.login;
import static io.visiona.api.auth.OidcFlowSupport.startLogin;
import static io.visiona.api.auth.OidcFlowSupport.withParam;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import io.visiona.api.testing.ApiHarness;
import io.visiona.api.testing.FakeOp;
import io.visiona.api.testing.FakeOp.ExpectedAuth;
import io.visiona.api.testing.MutableClock;
import io.visiona.api.testing.TestBrowser;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The login flow against a provider the test controls: every check of security.md §1 and the
 * negative cases of §4 (conformance modules and the BFF-specific list).
 */
class OidcLoginTest {

  @TempDir Path dir;
  MutableClock clock = MutableClock.startingNow();
  FakeOp op;
  ApiHarness api;

  @BeforeEach
  void setUp() throws Exception {
    op = new FakeOp(clock);
  }

  @AfterEach
  void tearDown() {
    if (api != null) {
      api.close();
    }
    op.close();
  }

  private TestBrowser start(Map<String, String> extra) {
    Map<String, String> s = new HashMap<>(op.settings());
    s.putAll(extra);
    api = ApiHarness.start(dir, clock, s);
    return api.browser();
  }

  private TestBrowser start() {
    return start(Map.of());
  }

  private static void assertError(HttpResponse<String> r, int status, String code) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("application/json");
    assertThat(r.body()).contains("\"code\":\"" + code + "\"");
  }

  private void assertLoggedIn(TestBrowser b) {
    HttpResponse<String> me = b.get("/api/auth/me");
    assertThat(me.statusCode()).as(me.body()).isEqualTo(200);
    assertThat(me.body()).contains("\"subject\":\"alice\"").contains("\"issuer\":\"" + op.issuer());
  }

  // ---- happy paths ----

  @Test
  void publicClientLogsInWithPkceAndNoSecret() {
    TestBrowser b = start();
    URI authz = startLogin(b, "/devices?tab=1");
    Map<String, String> q = FakeOp.query(authz);
    assertThat(q)
        .containsEntry("response_type", "code")
        .containsEntry("client_id", FakeOp.CLIENT_ID)
        .containsEntry("code_challenge_method", "S256")
        .containsKeys("state", "nonce", "code_challenge");
    assertThat(q.get("state")).hasSizeGreaterThanOrEqualTo(43); // 256 bits
    assertThat(q.get("nonce")).hasSizeGreaterThanOrEqualTo(43).isNotEqualTo(q.get("state"));

    HttpResponse<String> done = callback(b, authorize(b, authz));
    assertThat(done.statusCode()).as(done.body()).isEqualTo(302);
    assertThat(done.headers().firstValue("location")).contains("/devices?tab=1");
    assertThat(done.headers().firstValue("cache-control")).contains("no-store");
    assertThat(done.headers().firstValue("referrer-policy")).contains("no-referrer");
    assertThat(done.body()).doesNotContain("eyJ"); // no token reaches the browser
    assertLoggedIn(b);

    FakeOp.TokenRequest tr = op.tokenRequests.get(0);
    assertThat(tr.authorization()).isNull();
    assertThat(tr.form())
        .containsEntry("client_id", FakeOp.CLIENT_ID)
        .doesNotContainKey("client_secret");
    assertThat(tr.form().get("code_verifier")).matches("[A-Za-z0-9_-]{43,128}");
  }

  @ParameterizedTest
  @ValueSource(strings = {"client_secret_basic", "client_secret_post"})
  void confidentialClientAuthenticatesAtTheTokenEndpoint(String method) {
    op.expectedAuth = method.equals("client_secret_basic") ? ExpectedAuth.BASIC : ExpectedAuth.POST;
    TestBrowser b =
        start(Map.of("oidc.client-secret", FakeOp.CLIENT_SECRET, "oidc.client-auth", method));
    assertThat(login(b, "/").statusCode()).isEqualTo(302);
    assertLoggedIn(b);
    assertThat(op.tokenRequests.get(0).form())
        .containsEntry("code_verifier", op.tokenRequests.get(0).form().get("code_verifier"));
  }

  @Test
  void aClientAuthenticationTheProviderRefusesFailsTheLogin() {
    op.expectedAuth = ExpectedAuth.BASIC; // provider wants a secret, server is a public client
    TestBrowser b = start();
    assertError(login(b, "/"), 400, "LOGIN_CODE_REJECTED");
    assertThat(b.get("/api/auth/me").statusCode()).isEqualTo(401);
  }

  @Test
  void twoTabsCanLogInAtTheSameTime() {
    TestBrowser b = start();
    URI tab1 = authorize(b, startLogin(b, "/one"));
    URI tab2 = authorize(b, startLogin(b, "/two"));
    HttpResponse<String> second = callback(b, tab2);
    assertThat(second.headers().firstValue("location")).contains("/two");
    HttpResponse<String> first = callback(b, tab1);
    assertThat(first.statusCode()).as(first.body()).isEqualTo(302);
    assertThat(first.headers().firstValue("location")).contains("/one");
    assertLoggedIn(b);
  }

  @Test
  void kidAbsentWithOneKeyAndEs256AreAccepted() {
    op.signer = c -> FakeOp.sign(op.key1, false, c);
    TestBrowser b = start();
    assertThat(login(b, "/").statusCode()).isEqualTo(302);
    op.published = List.of(op.key1, op.ecKey);
    op.signer = c -> FakeOp.signEs256(op.ecKey, c);
    clock.advance(Duration.ofMinutes(11)); // past jwks-max-age: keys refetched
    TestBrowser b2 = api.browser();
    assertThat(login(b2, "/").statusCode()).isEqualTo(302);
    assertLoggedIn(b2);
  }

  @Test
  void kidAbsentWithSeveralKeysTriesEach() {
    op.published = List.of(op.key2, op.key1);
    op.signer = c -> FakeOp.sign(op.key1, false, c);
    TestBrowser b = start();
    assertThat(login(b, "/").statusCode()).isEqualTo(302);
  }

  @Test
  void anUnparseableKeyInTheJwksIsSkipped() {
    op.extraJwksEntries =
        List.of("{\"kty\":\"RSA\",\"kid\":\"broken\",\"n\":\"###\"}", "{\"kty\":\"nope\"}", "42");
    TestBrowser b = start();
    assertThat(login(b, "/").statusCode()).isEqualTo(302);
  }

  @Test
  void keyRotationRefetchesTheJwksAtMostOncePerInterval() {
    TestBrowser b = start();
    assertThat(login(b, "/").statusCode()).isEqualTo(302);
    assertThat(op.jwksFetches).hasValue(1);

    op.published = List.of(op.key2); // the provider rotates
    op.signer = c -> FakeOp.sign(op.key2, true, c);
    clock.advance(Duration.ofSeconds(31));
    assertThat(login(api.browser(), "/").statusCode()).isEqualTo(302);
    assertThat(op.jwksFetches).hasValue(2);

    // A made-up kid right after: rejected without another fetch (rate limit) ...
    RSAKeyHolder rogue = new RSAKeyHolder(FakeOp.rsa("key-3"));
    op.signer = c -> FakeOp.sign(rogue.key, true, c);
    assertError(login(api.browser(), "/"), 403, "ID_TOKEN_INVALID");
    assertThat(op.jwksFetches).hasValue(2);
    // ... and once the interval has passed, the next unknown kid does refetch.
    op.published = List.of(op.key2, rogue.key);
    clock.advance(Duration.ofSeconds(30));
    assertThat(login(api.browser(), "/").statusCode()).isEqualTo(302);
    assertThat(op.jwksFetches).hasValue(3);
  }

  @Test
  void aRotationRightAfterARoutineFetchIsPickedUpAtOnce() {
    TestBrowser b = start();
    assertThat(login(b, "/").statusCode()).isEqualTo(302); // first fetch
    assertThat(op.jwksFetches).hasValue(1);

    op.published = List.of(op.key2); // the provider rotates between two logins a second apart
    op.signer = c -> FakeOp.sign(op.key2, true, c);
    clock.advance(Duration.ofSeconds(1));
    TestBrowser b2 = api.browser();
    HttpResponse<String> second = login(b2, "/");
    assertThat(second.statusCode()).as(second.body()).isEqualTo(302);
    assertLoggedIn(b2);
    assertThat(op.jwksFetches).hasValue(2);

    // That refetch was for an unknown kid: another one within the interval does not fetch again.
    RSAKeyHolder rogue = new RSAKeyHolder(FakeOp.rsa("key-3"));
    op.signer = c -> FakeOp.sign(rogue.key, true, c);
    clock.advance(Duration.ofSeconds(1));
    assertError(login(api.browser(), "/"), 403, "ID_TOKEN_INVALID");
    assertThat(op.jwksFetches).hasValue(2);
  }

  private record RSAKeyHolder(com.nimbusds.jose.jwk.RSAKey key) {}

  // ---- returnTo ----

  @ParameterizedTest
  @ValueSource(
      strings = {
        "//redirect",
        "/\\evil.com",
        "/\t/evil.com",
        "/\r\\evil.com",
        "/ /evil.com",
        "/./\\evil.com",
        "foo.bar/redirect",
        "http://evil.corp/redirect?rd=foo.bar",
        "https://evil.example",
        "",
        "/a|b",
        "/a^b",
        "/%zz",
        "/a<b>",
        "/a`b"
      })
  void returnToAcceptsLocalPathsOnly(String attack) {
    TestBrowser b = start();
    HttpResponse<String> r =
        b.get(
            "/api/auth/login?returnTo="
                + java.net.URLEncoder.encode(attack, java.nio.charset.StandardCharsets.UTF_8));
    assertError(r, 400, "INVALID_RETURN_TO");
    assertThat(r.headers().firstValue("location")).isEmpty();
    assertThat(r.headers().firstValue("set-cookie")).isEmpty(); // no login was started
  }

  // ---- callback: state, transaction, replay ----

  @Test
  void stateMismatchIsRefusedBeforeTheCodeIsRedeemed() {
    TestBrowser b = start();
    URI cb = authorize(b, startLogin(b, "/"));
    assertError(callback(b, withParam(cb, "state", "forged-state")), 403, "LOGIN_STATE_INVALID");
    assertThat(op.tokenRequests).isEmpty();
  }

  @Test
  void missingStateIsRefused() {
    TestBrowser b = start();
    URI cb = authorize(b, startLogin(b, "/"));
    String s = cb.toString().replaceAll("&state=[^&]*", "");
    assertError(callback(b, URI.create(s)), 403, "LOGIN_STATE_INVALID");
    assertThat(op.tokenRequests).isEmpty();
  }

  @Test
  void callbackWithoutTheTransactionCookieIsRefused() {
    TestBrowser a = start();
    URI cb = authorize(a, startLogin(a, "/"));
    TestBrowser b = api.browser(); // browser B replays A's code and state
    assertError(callback(b, cb), 403, "LOGIN_STATE_INVALID");
    assertThat(op.tokenRequests).isEmpty();
    // A can still finish its own login: B's attempt consumed nothing.
    assertThat(callback(a, cb).statusCode()).isEqualTo(302);
  }

  @Test
  void anotherBrowsersStateIsRefused() {
    TestBrowser a = start();
    TestBrowser b = api.browser();
    startLogin(b, "/"); // B has its own transaction cookie
    URI cbA = authorize(a, startLogin(a, "/"));
    assertError(callback(b, cbA), 403, "LOGIN_STATE_INVALID");
    assertThat(op.tokenRequests).isEmpty();
  }

  @Test
  void aTransactionIsSingleUse() {
    TestBrowser b = start();
    URI cb = authorize(b, startLogin(b, "/"));
    String loginCookie = b.cookies().get("__Host-visiona-login");
    assertThat(callback(b, cb).statusCode()).isEqualTo(302);
    b.cookies().put("__Host-visiona-login", loginCookie); // replay with the cookie kept
    assertError(callback(b, cb), 403, "LOGIN_STATE_INVALID");
    assertThat(op.tokenRequests).hasSize(1);
  }

  @Test
  void theLoginCookieIsSignedLaxShortLivedAndClearedAfterUse() {
    TestBrowser b = start();
    HttpResponse<String> r = b.get("/api/auth/login");
    String sc = r.headers().allValues("set-cookie").get(0);
    assertThat(sc)
        .startsWith("__Host-visiona-login=")
        .contains("; Path=/")
        .contains("; Max-Age=600")
        .contains("; Secure")
        .contains("; HttpOnly")
        .contains("; SameSite=Lax")
        .doesNotContain("Domain");
    HttpResponse<String> done = callback(b, authorize(b, TestBrowser.location(r)));
    assertThat(done.headers().allValues("set-cookie"))
        .anySatisfy(c -> assertThat(c).startsWith("__Host-visiona-login=;").contains("Max-Age=0"));
  }

  @Test
  void codeRedeemedWithTheWrongVerifierFails() {
    TestBrowser b = start();
    URI cb1 = authorize(b, startLogin(b, "/"));
    URI cb2 = authorize(b, startLogin(b, "/"));
    // Code of login 1 injected into login 2: redeemed with login 2's verifier.
    URI injected = withParam(cb2, "code", FakeOp.query(cb1).get("code"));
    assertError(callback(b, injected), 400, "LOGIN_CODE_REJECTED");
    assertThat(b.get("/api/auth/me").statusCode()).isEqualTo(401);
  }

  @Test
  void anExpiredTransactionIsRefused() {
    TestBrowser b = start();
    URI cb = authorize(b, startLogin(b, "/"));
    clock.advance(Duration.ofMinutes(10).plusSeconds(1));
    assertError(callback(b, cb), 403, "LOGIN_EXPIRED");
    assertThat(op.tokenRequests).isEmpty();
  }

  @Test
  void anExpiredTransactionInsideACurrentCookieIsRefused() {
    TestBrowser b = start();
    URI old = authorize(b, startLogin(b, "/"));
    clock.advance(Duration.ofMinutes(9));
    startLogin(b, "/"); // refreshes the cookie with the same binding secret
    clock.advance(Duration.ofMinutes(1).plusSeconds(1));
    assertError(callback(b, old), 403, "LOGIN_EXPIRED");
    assertThat(op.tokenRequests).isEmpty();
  }

  @Test
  void providerErrorResponsesEndTheLogin() {
    op.authorizeError = "access_denied";
    TestBrowser b = start();
    URI cb = authorize(b, startLogin(b, "/"));
    assertError(callback(b, cb), 400, "LOGIN_DENIED");
    op.authorizeError = null;
    assertThat(op.tokenRequests).isEmpty();
  }

  // ---- issuer ----

  @Test
  void anIssParameterThatDiffersIsRefused() {
    op.issParameter = "https://other-issuer.example";
    TestBrowser b = start();
    assertError(login(b, "/"), 403, "LOGIN_ISSUER_MISMATCH");
    assertThat(op.tokenRequests).isEmpty();
  }

  @Test
  void theRightIssParameterIsAccepted() {
    op.advertiseIssParameter = true;
    op.issParameter = op.issuer();
    TestBrowser b = start();
    assertThat(login(b, "/").statusCode()).isEqualTo(302);
  }

  @Test
  void aMissingIssParameterIsRefusedWhenTheProviderPromisesIt() {
    op.advertiseIssParameter = true;
    TestBrowser b = start();
    assertError(login(b, "/"), 403, "LOGIN_ISSUER_MISMATCH");
  }

  @Test
  void discoveryWithAnotherIssuerStopsBeforeAuthorize() {
    op.discoveryIssuer = "http://127.0.0.1:1/other";
    TestBrowser b = start();
    HttpResponse<String> r = b.get("/api/auth/login");
    assertError(r, 503, "IDP_MISCONFIGURED");
    assertThat(r.headers().firstValue("location")).isEmpty();
  }

  @Test
  void anUnreachableProviderGivesA503AndDiscoveryIsRetriedLater() {
    TestBrowser b = start(Map.of("oidc.issuer", "http://127.0.0.1:1/nothing-here"));
    assertError(b.get("/api/auth/login"), 503, "IDP_UNAVAILABLE");
    assertError(b.get("/api/auth/login"), 503, "IDP_UNAVAILABLE");
  }

  @Test
  void discoveryIsLazyAndCached() {
    TestBrowser b = start();
    assertThat(op.discoveryFetches).hasValue(0);
    login(b, "/");
    login(api.browser(), "/");
    assertThat(op.discoveryFetches).hasValue(1);
  }

  // ---- ID token ----

  static List<Object[]> badTokens(FakeOp op) {
    List<Object[]> cases = new ArrayList<>();
    cases.add(new Object[] {"alg none", (Consumer<FakeOp>) o -> o.signer = FakeOp::unsigned});
    cases.add(
        new Object[] {
          "bad signature",
          (Consumer<FakeOp>)
              o -> o.signer = c -> FakeOp.sign(o.key1, true, c).replaceAll(".{4}$", "AAAA")
        });
    cases.add(
        new Object[] {
          "signed by another key with the same kid",
          (Consumer<FakeOp>)
              o -> {
                var impostor = FakeOp.rsa("key-1");
                o.signer = c -> FakeOp.sign(impostor, true, c);
              }
        });
    cases.add(
        new Object[] {
          "HS256 with the client id as secret",
          (Consumer<FakeOp>) o -> o.signer = c -> FakeOp.signHs256(FakeOp.CLIENT_ID, c)
        });
    cases.add(claims("wrong iss", b -> b.issuer("https://evil.example")));
    cases.add(claims("wrong aud", b -> b.audience("someone-else")));
    cases.add(claims("missing aud", b -> b.audience((String) null)));
    cases.add(claims("extra untrusted aud", b -> b.audience(List.of(FakeOp.CLIENT_ID, "other"))));
    cases.add(claims("azp is another client", b -> b.claim("azp", "other")));
    cases.add(claims("wrong nonce", b -> b.claim("nonce", "not-the-nonce")));
    cases.add(claims("missing nonce", b -> b.claim("nonce", null)));
    cases.add(claims("missing sub", b -> b.subject(null)));
    cases.add(claims("missing iat", b -> b.issueTime(null)));
    cases.add(claims("missing exp", b -> b.expirationTime(null)));
    cases.add(
        claims(
            "expired beyond skew",
            b -> b.expirationTime(new java.util.Date(System.currentTimeMillis() - 3_600_000L))));
    cases.add(
        claims(
            "issued in the future beyond skew",
            b -> b.issueTime(new java.util.Date(System.currentTimeMillis() + 3_600_000L))));
    return cases;
  }

  private static Object[] claims(String name, Consumer<JWTClaimsSet.Builder> change) {
    return new Object[] {name, (Consumer<FakeOp>) o -> o.claims = change};
  }

  @Test
  void everyBadIdTokenIsRejectedAndMakesNoSession() {
    TestBrowser unused = start();
    for (Object[] c : badTokens(op)) {
      String name = (String) c[0];
      @SuppressWarnings("unchecked")
      Consumer<FakeOp> breakIt = (Consumer<FakeOp>) c[1];
      op.signer = claims -> FakeOp.sign(op.key1, true, claims);
      op.claims = b -> {};
      breakIt.accept(op);
      TestBrowser b = api.browser();
      HttpResponse<String> r = login(b, "/");
      assertThat(r.statusCode()).as(name + ": " + r.body()).isEqualTo(403);
      assertThat(r.body()).as(name).contains("\"code\":\"ID_TOKEN_INVALID\"");
      assertThat(b.cookies()).as(name).doesNotContainKey("__Host-visiona-session");
    }
    // and the same provider with a good token still works (the cases are not vacuous)
    op.signer = claims -> FakeOp.sign(op.key1, true, claims);
    op.claims = b -> {};
    assertThat(login(api.browser(), "/").statusCode()).isEqualTo(302);
  }

  @Test
  void timeChecksAllowTheConfiguredSkew() {
    TestBrowser b = start();
    op.claims = c -> c.issueTime(java.util.Date.from(clock.instant().plusSeconds(59)));
    assertThat(login(b, "/").statusCode()).isEqualTo(302);
    op.claims = c -> c.expirationTime(java.util.Date.from(clock.instant().minusSeconds(59)));
    assertThat(login(api.browser(), "/").statusCode()).isEqualTo(302);
    op.claims = c -> c.expirationTime(java.util.Date.from(clock.instant().minusSeconds(61)));
    assertError(login(api.browser(), "/"), 403, "ID_TOKEN_INVALID");
  }

  // ---- limits ----

  @Test
  void pendingLoginsPerBrowserAreCappedOldestFirst() {
    TestBrowser b = start(Map.of("oidc.login.max-pending-per-browser", "2"));
    URI first = authorize(b, startLogin(b, "/1"));
    clock.advance(Duration.ofMillis(5));
    URI second = authorize(b, startLogin(b, "/2"));
    clock.advance(Duration.ofMillis(5));
    URI third = authorize(b, startLogin(b, "/3"));
    assertError(callback(b, first), 403, "LOGIN_STATE_INVALID");
    assertThat(callback(b, second).statusCode()).isEqualTo(302);
    assertThat(callback(b, third).statusCode()).isEqualTo(302);
  }

  @Test
  void pendingLoginsInTotalAreCapped() {
    TestBrowser a = start(Map.of("oidc.login.max-pending-total", "2"));
    startLogin(a, "/");
    startLogin(api.browser(), "/");
    HttpResponse<String> third = api.browser().get("/api/auth/login");
    assertError(third, 429, "TOO_MANY_PENDING_LOGINS");
    clock.advance(Duration.ofMinutes(10)); // expired ones are swept
    assertThat(api.browser().get("/api/auth/login").statusCode()).isEqualTo(302);
  }

  // ---- logout ----

  @Test
  void logoutEndsTheSessionAndReturnsTheProvidersLogoutUrl() {
    TestBrowser b = start();
    login(b, "/");
    String cookie = b.cookies().get("__Host-visiona-session");
    HttpResponse<String> out = b.spa("POST", "/api/auth/logout", null);
    assertThat(out.statusCode()).as(out.body()).isEqualTo(200);
    assertThat(out.headers().allValues("set-cookie"))
        .anySatisfy(
            c -> assertThat(c).startsWith("__Host-visiona-session=;").contains("Max-Age=0"));
    jakarta.json.JsonObject body =
        jakarta.json.Json.createReader(new java.io.StringReader(out.body())).readObject();
    URI end = URI.create(body.getString("endSessionUrl"));
    assertThat(end.toString()).startsWith(op.issuer() + "/logout?");
    // RP-Initiated Logout 1.0 §2: post_logout_redirect_uri needs the client identified; client_id
    // does that without handing the browser the ID token (id_token_hint).
    Map<String, String> q = FakeOp.query(end);
    assertThat(q)
        .containsEntry("client_id", FakeOp.CLIENT_ID)
        .containsEntry("post_logout_redirect_uri", "http://127.0.0.1/logged-out")
        .containsKey("state")
        .doesNotContainKey("id_token_hint");
    assertThat(q.get("state")).hasSizeGreaterThanOrEqualTo(22);
    assertThat(out.body()).doesNotContain("eyJ"); // no JWT anywhere in the answer

    b.cookies().put("__Host-visiona-session", cookie);
    assertThat(b.get("/api/auth/me").statusCode()).isEqualTo(401);
  }
}
