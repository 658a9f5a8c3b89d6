package io.visiona.api;

import io.helidon.config.Config;
import io.visiona.api.auth.OidcSettings;
import io.visiona.api.auth.ServiceClientSettings;
import io.visiona.api.persistence.DatabaseSettings;
import io.visiona.api.session.SessionSettings;
import io.visiona.server.limits.TrustedProxies;
import java.time.Duration;

/** Typed view of {@code api.*} in {@code etc/api-server.yaml}; every key is documented there. */
public record ApiSettings(
    String host,
    int port,
    TrustedProxies trustedProxies,
    String internalHost,
    int internalPort,
    Duration drainGrace,
    long maxPayloadSize,
    DatabaseSettings database,
    SessionSettings session,
    OidcSettings oidc,
    ServiceClientSettings serviceClient) {

  public static ApiSettings from(Config api) {
    OidcSettings oidc = OidcSettings.from(api.get("oidc"));
    return new ApiSettings(
        api.get("http.host").asString().orElse("0.0.0.0"),
        api.get("http.port").asInt().orElse(3721),
        TrustedProxies.parse(api.get("http.trusted-proxies").asString().orElse("")),
        api.get("internal.host").asString().orElse("127.0.0.1"),
        api.get("internal.port").asInt().orElse(3722),
        api.get("drain.grace-period").as(Duration.class).orElse(Duration.ofSeconds(3)),
        api.get("http.max-payload-size").asLong().orElse(64 * 1024L),
        DatabaseSettings.from(api.get("database")),
        SessionSettings.from(api.get("session")),
        oidc,
        ServiceClientSettings.from(api.get("service-client"), oidc.issuer()));
  }
}
