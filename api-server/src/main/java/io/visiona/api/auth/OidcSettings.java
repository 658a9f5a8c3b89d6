package io.visiona.api.auth;

import io.helidon.config.Config;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** {@code api.oidc.*}: the login client and the limits of the login flow. */
public record OidcSettings(
    String issuer,
    ClientCredentials client,
    URI redirectUri,
    String scopes,
    String postLogoutRedirectUri,
    Set<String> allowedAlgs,
    Duration clockSkew,
    Duration httpTimeout,
    Duration jwksMinRefreshInterval,
    Duration jwksMaxAge,
    Duration loginTtl,
    int maxPendingPerBrowser,
    int maxPendingTotal,
    LoginRateLimit.Settings loginsPerAddress) {

  public OidcSettings {
    for (String alg : allowedAlgs) {
      if (alg.startsWith("HS") || alg.equalsIgnoreCase("none")) {
        throw new IllegalArgumentException(
            "api.oidc.id-token-algs: " + alg + " is never accepted (no shared secrets, no none)");
      }
    }
    if (maxPendingPerBrowser < 1 || maxPendingTotal < 1) {
      throw new IllegalArgumentException("login limits must be at least 1");
    }
  }

  public static OidcSettings from(Config oidc) {
    return new OidcSettings(
        oidc.get("issuer").asString().orElse(""),
        new ClientCredentials(
            oidc.get("client-id").asString().orElse(""),
            oidc.get("client-secret").asString().orElse(""),
            ClientAuth.parse(oidc.get("client-auth").asString().orElse("client_secret_basic"))),
        URI.create(
            oidc.get("redirect-uri").asString().orElse("http://localhost:3721/api/auth/callback")),
        oidc.get("scopes").asString().orElse("openid profile email"),
        oidc.get("post-logout-redirect-uri").asString().orElse(""),
        algs(oidc.get("id-token-algs").asString().orElse("RS256,PS256,ES256")),
        oidc.get("clock-skew").as(Duration.class).orElse(Duration.ofSeconds(60)),
        oidc.get("http-timeout").as(Duration.class).orElse(Duration.ofSeconds(5)),
        oidc.get("jwks-min-refresh-interval").as(Duration.class).orElse(Duration.ofSeconds(30)),
        oidc.get("jwks-max-age").as(Duration.class).orElse(Duration.ofMinutes(10)),
        oidc.get("login.ttl").as(Duration.class).orElse(Duration.ofMinutes(10)),
        oidc.get("login.max-pending-per-browser").asInt().orElse(5),
        oidc.get("login.max-pending-total").asInt().orElse(10_000),
        LoginRateLimit.Settings.from(oidc.get("login.per-address")));
  }

  static Set<String> algs(String csv) {
    return Arrays.stream(csv.split(","))
        .map(s -> s.trim().toUpperCase(Locale.ROOT))
        .filter(s -> !s.isEmpty())
        .collect(Collectors.toCollection(LinkedHashSet::new));
  }

  /** Whether enough is set to log anyone in. */
  public boolean configured() {
    return !issuer.isBlank() && !client.clientId().isBlank();
  }
}
