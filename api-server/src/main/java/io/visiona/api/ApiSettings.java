package io.visiona.api;

import io.helidon.config.Config;
import io.visiona.api.access.DeviceAccessSettings;
import io.visiona.api.auth.OidcSettings;
import io.visiona.api.auth.ServiceClientSettings;
import io.visiona.api.device.CredentialSettings;
import io.visiona.api.http.BoxLimitSettings;
import io.visiona.api.pairing.PairingSettings;
import io.visiona.api.persistence.DatabaseSettings;
import io.visiona.api.presence.PresenceSettings;
import io.visiona.api.proxy.ProxySettings;
import io.visiona.api.relay.RelaySettings;
import io.visiona.api.session.SessionSettings;
import io.visiona.server.limits.TrustedProxies;
import io.visiona.server.listener.ListenerSettings;
import io.visiona.server.signing.SigningSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

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
    ServiceClientSettings serviceClient,
    Optional<SigningSettings> signing,
    PairingSettings pairing,
    CredentialSettings credentials,
    ProxySettings proxy,
    BoxLimitSettings boxLimits,
    Duration auditRetention,
    RelaySettings relay,
    PresenceSettings presence,
    DeviceAccessSettings deviceAccess,
    ListenerSettings httpListener,
    ListenerSettings internalListener) {

  public static ApiSettings from(Config api) {
    OidcSettings oidc = OidcSettings.from(api.get("oidc"));
    return new ApiSettings(
        api.get("http.host").asString().orElse("0.0.0.0"),
        api.get("http.port").asInt().orElse(3721),
        TrustedProxies.parse(api.get("http.trusted-proxies").asString().orElse("")),
        api.get("internal.host").asString().orElse("127.0.0.1"),
        api.get("internal.port").asInt().orElse(3722),
        api.get("drain.grace-period").as(Duration.class).orElse(Duration.ofSeconds(3)),
        api.get("http.max-payload-size").asLong().orElse(64L << 20),
        DatabaseSettings.from(api.get("database")),
        SessionSettings.from(api.get("session")),
        oidc,
        ServiceClientSettings.from(api.get("service-client"), oidc.issuer()),
        SigningSettings.fromIfConfigured(api.get("signing"), Clock.systemUTC()),
        PairingSettings.from(api.get("pairing")),
        CredentialSettings.from(api.get("devices.credentials")),
        ProxySettings.from(api.get("proxy")),
        BoxLimitSettings.from(api.get("box")),
        api.get("audit.retention").as(Duration.class).orElse(Duration.ofDays(365)),
        RelaySettings.from(api.get("relay")),
        PresenceSettings.from(api.get("presence")),
        DeviceAccessSettings.from(api.get("devices.access")),
        ListenerSettings.from(api.get("http"), ListenerSettings.publicDefaults(10_000)),
        ListenerSettings.from(api.get("internal"), ListenerSettings.internalDefaults(1024)));
  }
}
