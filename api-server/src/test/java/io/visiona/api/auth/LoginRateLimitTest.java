package io.visiona.api.auth;

import static io.visiona.api.auth.OidcFlowSupport.authorize;
import static io.visiona.api.auth.OidcFlowSupport.callback;
import static org.assertj.core.api.Assertions.assertThat;

import io.visiona.api.testing.ApiHarness;
import io.visiona.api.testing.FakeOp;
import io.visiona.api.testing.MutableClock;
import io.visiona.api.testing.TestBrowser;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Logins per client address, over real sockets. The test client connects from 127.0.0.1; declared a
 * trusted proxy, it speaks for other addresses through {@code X-Forwarded-For}.
 */
class LoginRateLimitTest {

  static final String ADDRESS_A = "198.51.100.1";
  static final String ADDRESS_B = "198.51.100.2";

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

  private void start(String trustedProxies) {
    Map<String, String> s = new HashMap<>(op.settings());
    s.put("http.trusted-proxies", trustedProxies);
    s.put("oidc.login.per-address.burst", "3");
    s.put("oidc.login.per-address.rate", "0.1"); // one more login every 10 s
    api = ApiHarness.start(dir, clock, s);
  }

  /** A cookieless login request, as a flood sends it. */
  private HttpResponse<String> loginFrom(String forwardedFor) {
    TestBrowser fresh = api.browser();
    return forwardedFor == null
        ? fresh.get("/api/auth/login")
        : fresh.get("/api/auth/login", "X-Forwarded-For", forwardedFor);
  }

  private static void assertRefused(HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(429);
    assertThat(r.headers().firstValue("retry-after")).contains("10");
    assertThat(r.headers().firstValue("content-type")).contains("application/json");
    assertThat(r.body()).contains("\"code\":\"TOO_MANY_LOGINS\"");
    assertThat(r.headers().firstValue("location")).isEmpty();
    assertThat(r.headers().allValues("set-cookie")).isEmpty();
  }

  @Test
  void oneAddressSpendingItsBudgetDoesNotStopAnother() {
    start("127.0.0.1");
    for (int i = 0; i < 3; i++) {
      assertThat(loginFrom(ADDRESS_A).statusCode()).isEqualTo(302);
    }
    assertRefused(loginFrom(ADDRESS_A));
    assertRefused(loginFrom("203.0.113.50, " + ADDRESS_A)); // a spoofed left part changes nothing

    // B logs in all the way, while A is refused.
    TestBrowser b = api.browser();
    HttpResponse<String> started = b.get("/api/auth/login", "X-Forwarded-For", ADDRESS_B);
    assertThat(started.statusCode()).as(started.body()).isEqualTo(302);
    HttpResponse<String> done = callback(b, authorize(b, TestBrowser.location(started)));
    assertThat(done.statusCode()).as(done.body()).isEqualTo(302);
    assertThat(b.get("/api/auth/me").statusCode()).isEqualTo(200);

    // The proxy's own requests (no header) are a third address.
    assertThat(loginFrom(null).statusCode()).isEqualTo(302);

    // A's bucket refills at the configured rate.
    clock.advance(Duration.ofSeconds(10));
    assertThat(loginFrom(ADDRESS_A).statusCode()).isEqualTo(302);
    assertRefused(loginFrom(ADDRESS_A));
  }

  @Test
  void fromAnUntrustedPeerForwardedForIsIgnored() {
    start(""); // no trusted proxies: every request is 127.0.0.1, whatever it claims
    assertThat(loginFrom(ADDRESS_A).statusCode()).isEqualTo(302);
    assertThat(loginFrom(ADDRESS_B).statusCode()).isEqualTo(302);
    assertThat(loginFrom("203.0.113.7").statusCode()).isEqualTo(302);
    assertRefused(loginFrom("203.0.113.8"));
    assertRefused(loginFrom(null));
  }
}
