package io.visiona.proxy.auth;

import io.helidon.config.Config;
import java.net.URI;
import java.time.Duration;

/**
 * Typed view of {@code proxy.auth.*}; every key is documented in {@code etc/remote-proxy.yaml}.
 *
 * @param apiServer base URI of the api-server's internal listener
 * @param timeout how long one verify call may take
 * @param cacheTtl how long a positive answer is remembered; zero disables the cache
 * @param cacheMaxEntries most answers remembered at once
 * @param refusalCacheTtl how long a refusal is remembered; zero disables
 * @param refusalCacheMaxEntries most refusals remembered at once
 * @param failuresPerAddress the budget of failed credential checks per client address
 */
public record AuthSettings(
    URI apiServer,
    Duration timeout,
    Duration cacheTtl,
    int cacheMaxEntries,
    Duration refusalCacheTtl,
    int refusalCacheMaxEntries,
    FailureLimitSettings failuresPerAddress) {

  public static AuthSettings defaults() {
    return new AuthSettings(
        URI.create("http://127.0.0.1:3722"),
        Duration.ofSeconds(5),
        Duration.ofSeconds(30),
        20_000,
        Duration.ofSeconds(10),
        20_000,
        FailureLimitSettings.defaults());
  }

  public static AuthSettings from(Config c) {
    AuthSettings d = defaults();
    return new AuthSettings(
        c.get("api-server-url").asString().map(URI::create).orElse(d.apiServer()),
        c.get("timeout").as(Duration.class).orElse(d.timeout()),
        c.get("cache-ttl").as(Duration.class).orElse(d.cacheTtl()),
        c.get("cache-max-entries").asInt().orElse(d.cacheMaxEntries()),
        c.get("refusal-cache-ttl").as(Duration.class).orElse(d.refusalCacheTtl()),
        c.get("refusal-cache-max-entries").asInt().orElse(d.refusalCacheMaxEntries()),
        FailureLimitSettings.from(c.get("failures-per-address")));
  }

  public AuthSettings withFailuresPerAddress(FailureLimitSettings f) {
    return new AuthSettings(
        apiServer, timeout, cacheTtl, cacheMaxEntries, refusalCacheTtl, refusalCacheMaxEntries, f);
  }
}
