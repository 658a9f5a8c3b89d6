package io.visiona.proxy.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import io.visiona.proxy.ProxyServer;
import io.visiona.proxy.ProxySettings;
import io.visiona.proxy.auth.AuthSettings;
import io.visiona.proxy.auth.FailureLimitSettings;
import io.visiona.proxy.support.RawHttp;
import io.visiona.proxy.support.StandInApiServer;
import io.visiona.proxy.support.TestSigning;
import io.visiona.server.Lifecycle;
import io.visiona.server.signing.Direction;
import io.visiona.server.signing.SigningSettings;
import jakarta.json.Json;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Upgrades with wrong credentials against the production authenticator chain (signed verify calls
 * to a stand-in api-server over real HTTP): refusals are remembered, and an address that keeps
 * failing is refused with 429 before any verify call, while other addresses still connect.
 */
@Timeout(60)
class CredentialGuessingTest {

  private static final int UPGRADES = 300;
  private static final int BURST = 10;

  private final StandInApiServer api = startApi();
  private ProxyServer proxy;

  private static StandInApiServer startApi() {
    try {
      return new StandInApiServer().add("good-1", "box-1").add("good-2", "box-2");
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @AfterEach
  void stop() {
    if (proxy != null) {
      proxy.stop();
    }
    api.close();
  }

  private void startProxy(FailureLimitSettings limit) {
    AuthSettings d = AuthSettings.defaults();
    ProxySettings settings =
        ProxySettings.loopback()
            .withAuth(
                new AuthSettings(
                    api.uri(),
                    d.timeout(),
                    d.cacheTtl(),
                    d.cacheMaxEntries(),
                    Duration.ofMinutes(1),
                    d.refusalCacheMaxEntries(),
                    limit));
    SigningSettings signing =
        new SigningSettings(
            Map.of(
                Direction.API_TO_PROXY, TestSigning.apiToProxy(),
                Direction.PROXY_TO_API, TestSigning.proxyToApi()),
            Duration.ofMinutes(5),
            10_000,
            1 << 20);
    proxy = ProxyServer.production(settings, Optional.of(signing), new Lifecycle()).start();
  }

  private RawHttp.Response upgrade(InetAddress from, String credential) throws Exception {
    return RawHttp.upgrade(
        from, proxy.tunnelPort(), "/v1/tunnel", Map.of("Authorization", "Bearer " + credential));
  }

  private static InetAddress address(String a) throws Exception {
    return InetAddress.getByName(a);
  }

  @Test
  void theSameWrongCredentialCostsOneVerifyCall() throws Exception {
    startProxy(new FailureLimitSettings(true, BURST, Duration.ofMinutes(1), 1000));
    for (int i = 0; i < UPGRADES; i++) {
      assertThat(upgrade(address("127.0.0.1"), "wrong").status()).isEqualTo(401);
    }
    assertThat(api.verifyCalls()).isEqualTo(1);
    // Remembered refusals do not use up the address's budget.
    assertThat(upgrade(address("127.0.0.1"), "good-1").status()).isEqualTo(101);
  }

  @Test
  void guessingFromOneAddressIsCutOffAtItsBudgetWhileOthersConnect() throws Exception {
    startProxy(new FailureLimitSettings(true, BURST, Duration.ofMinutes(1), 1000));
    InetAddress guesser = address("127.0.0.1");
    // An agent behind the guesser's address that was verified before the guessing started.
    assertThat(upgrade(guesser, "good-1").status()).isEqualTo(101);
    int callsBefore = api.verifyCalls();

    int unauthorized = 0;
    int tooMany = 0;
    for (int i = 0; i < UPGRADES; i++) {
      RawHttp.Response r = upgrade(guesser, "guess-" + i);
      if (r.status() == 401) {
        unauthorized++;
      } else {
        assertThat(r.status()).isEqualTo(429);
        assertThat(r.text()).containsIgnoringCase("retry-after: 60");
        assertThat(
                Json.createReader(new StringReader(r.body()))
                    .readObject()
                    .getJsonObject("error")
                    .getString("code"))
            .isEqualTo("TOO_MANY_AUTH_FAILURES");
        assertThat(r.text()).doesNotContain("guess-");
        tooMany++;
      }
    }
    assertThat(unauthorized).isEqualTo(BURST);
    assertThat(tooMany).isEqualTo(UPGRADES - BURST);
    assertThat(api.verifyCalls() - callsBefore).isEqualTo(BURST);

    // Another address has its own budget: a valid credential connects.
    assertThat(upgrade(address("127.0.0.2"), "good-2").status()).isEqualTo(101);
    // Behind the guesser's address, a recently verified agent still connects (remembered answer);
    // one that needs a verify call waits like the guesser (the documented trade-off).
    assertThat(upgrade(guesser, "good-1").status()).isEqualTo(101);
    assertThat(upgrade(guesser, "never-seen").status()).isEqualTo(429);
    assertThat(metrics()).contains("proxy_auth_failures_total{reason=\"too_many_failures\"");
  }

  @Test
  void withoutTheLimitEveryNewWrongCredentialCostsAVerifyCall() throws Exception {
    startProxy(new FailureLimitSettings(false, 1, Duration.ofMinutes(1), 1));
    for (int i = 0; i < 50; i++) {
      assertThat(upgrade(address("127.0.0.1"), "guess-" + i).status()).isEqualTo(401);
    }
    assertThat(api.verifyCalls()).isEqualTo(50);
  }

  private String metrics() throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + proxy.internalPort() + "/observe/metrics"))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }
}
