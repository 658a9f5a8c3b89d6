package io.visiona.api.auth;

import io.helidon.config.Config;
import java.time.Duration;

/**
 * {@code api.service-client.*}: the api-server's own client for calling the identity provider's
 * APIs (client_credentials grant). Separate from the login client; its secret comes from the
 * environment.
 */
public record ServiceClientSettings(
    String issuer, ClientCredentials client, String scope, Duration refreshMargin) {

  public static ServiceClientSettings from(Config sc, String defaultIssuer) {
    String issuer = sc.get("issuer").asString().orElse("");
    return new ServiceClientSettings(
        issuer.isBlank() ? defaultIssuer : issuer,
        new ClientCredentials(
            sc.get("client-id").asString().orElse(""),
            sc.get("client-secret").asString().orElse(""),
            ClientAuth.parse(sc.get("client-auth").asString().orElse("client_secret_basic"))),
        sc.get("scope").asString().orElse(""),
        sc.get("refresh-margin").as(Duration.class).orElse(Duration.ofSeconds(60)));
  }

  public boolean configured() {
    return !issuer.isBlank() && !client.clientId().isBlank() && client.confidential();
  }
}
