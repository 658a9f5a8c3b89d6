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
 */
public record AuthSettings(
    URI apiServer, Duration timeout, Duration cacheTtl, int cacheMaxEntries) {

  public static AuthSettings defaults() {
    return new AuthSettings(
        URI.create("http://127.0.0.1:3722"), Duration.ofSeconds(5), Duration.ofSeconds(30), 20_000);
  }

  public static AuthSettings from(Config c) {
    AuthSettings d = defaults();
    return new AuthSettings(
        c.get("api-server-url").asString().map(URI::create).orElse(d.apiServer()),
        c.get("timeout").as(Duration.class).orElse(d.timeout()),
        c.get("cache-ttl").as(Duration.class).orElse(d.cacheTtl()),
        c.get("cache-max-entries").asInt().orElse(d.cacheMaxEntries()));
  }
}
