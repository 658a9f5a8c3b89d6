package io.visiona.api.auth;

import io.visiona.server.errors.ApiError;
import io.visiona.server.errors.ErrorCode;
import jakarta.json.JsonNumber;
import jakarta.json.JsonString;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The api-server's own access token for the identity provider's APIs (client_credentials grant, RFC
 * 6749 §4.4), cached until {@code refresh-margin} before it expires. One token at a time;
 * concurrent callers wait for a single refresh.
 */
public final class ServiceClient {

  private static final long DEFAULT_LIFETIME_SECONDS = 60;

  private final ServiceClientSettings settings;
  private final OidcProvider provider;
  private final IdpHttp http;
  private final Clock clock;
  private final ReentrantLock lock = new ReentrantLock();
  private String token;
  private long refreshAt;

  public ServiceClient(
      ServiceClientSettings settings, OidcProvider provider, IdpHttp http, Clock clock) {
    this.settings = settings;
    this.provider = provider;
    this.http = http;
    this.clock = clock;
  }

  /** A valid access token, from the cache or freshly requested. */
  public String accessToken() {
    if (!settings.configured()) {
      throw new ApiError(
          ErrorCode.SERVICE_CLIENT_NOT_CONFIGURED,
          "set api.service-client.client-id and client-secret");
    }
    lock.lock();
    try {
      long now = clock.millis();
      if (token != null && now < refreshAt) {
        return token;
      }
      Map<String, String> form = new LinkedHashMap<>();
      form.put("grant_type", "client_credentials");
      if (!settings.scope().isBlank()) {
        form.put("scope", settings.scope());
      }
      IdpHttp.Response r =
          http.postForm(provider.metadata().tokenEndpoint(), form, settings.client().apply(form));
      if (!r.ok() || !(r.body().get("access_token") instanceof JsonString at)) {
        throw IdpHttp.unavailable(
            "client_credentials grant failed (" + TokenEndpoint.errorCode(r.body()) + ")");
      }
      long lifetime =
          r.body().get("expires_in") instanceof JsonNumber n
              ? n.longValue()
              : DEFAULT_LIFETIME_SECONDS;
      token = at.getString();
      refreshAt = now + Math.max(0, lifetime * 1000 - settings.refreshMargin().toMillis());
      return token;
    } finally {
      lock.unlock();
    }
  }
}
