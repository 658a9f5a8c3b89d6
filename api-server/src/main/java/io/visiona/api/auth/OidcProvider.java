package io.visiona.api.auth;

import io.visiona.server.errors.ApiError;
import io.visiona.server.errors.ErrorCode;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Logger;

/**
 * Discovery for one issuer, done lazily (the server starts with the provider unreachable) and
 * cached once it succeeds. After a failure, further attempts wait {@link #RETRY_AFTER} so a dead
 * provider is not hammered by every login.
 */
public final class OidcProvider {

  static final Duration RETRY_AFTER = Duration.ofSeconds(5);
  private static final Logger LOG = Logger.getLogger(OidcProvider.class.getName());

  private final String issuer;
  private final IdpHttp http;
  private final Clock clock;
  private final ReentrantLock lock = new ReentrantLock();
  private ProviderMetadata metadata;
  private ApiError lastFailure;
  private long lastFailureAt;

  public OidcProvider(String issuer, IdpHttp http, Clock clock) {
    this.issuer = issuer;
    this.http = http;
    this.clock = clock;
  }

  public String issuer() {
    return issuer;
  }

  /** The provider's metadata, fetched on first use; 503 while it cannot be had. */
  public ProviderMetadata metadata() {
    if (issuer.isBlank()) {
      throw new ApiError(
          ErrorCode.OIDC_NOT_CONFIGURED,
          "login is not configured: set api.oidc.issuer and api.oidc.client-id");
    }
    lock.lock();
    try {
      if (metadata != null) {
        return metadata;
      }
      long now = clock.millis();
      if (lastFailure != null && now - lastFailureAt < RETRY_AFTER.toMillis()) {
        throw lastFailure;
      }
      try {
        metadata = ProviderMetadata.parse(http.getJson(discoveryUri()), issuer);
        lastFailure = null;
        return metadata;
      } catch (ApiError e) {
        LOG.warning("OIDC discovery for " + issuer + " failed: " + e.getMessage());
        lastFailure = e;
        lastFailureAt = now;
        throw e;
      }
    } finally {
      lock.unlock();
    }
  }

  private URI discoveryUri() {
    String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
    try {
      return URI.create(base + "/.well-known/openid-configuration");
    } catch (IllegalArgumentException e) {
      throw new ApiError(ErrorCode.OIDC_NOT_CONFIGURED, "api.oidc.issuer is not a URI");
    }
  }
}
