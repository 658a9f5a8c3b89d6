package io.visiona.proxy.presence;

import io.helidon.config.Config;
import java.net.URI;
import java.util.regex.Pattern;

/**
 * Typed view of {@code proxy.replica.*}; every key is documented in {@code etc/remote-proxy.yaml}.
 *
 * @param id this replica's name among the proxies sharing one database (1-64 of {@code
 *     [A-Za-z0-9._-]})
 * @param internalUrl where api-servers reach this replica's internal listener (relay link, close)
 */
public record ReplicaSettings(String id, URI internalUrl) {

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  public ReplicaSettings {
    if (id == null || !ID.matcher(id).matches()) {
      throw new IllegalArgumentException(
          "proxy.replica.id must be 1-64 characters of A-Z a-z 0-9 . _ -, got: " + id);
    }
    String scheme = internalUrl.getScheme();
    // As the api-server takes it in a heartbeat.
    if (!("http".equals(scheme) || "https".equals(scheme))
        || internalUrl.getHost() == null
        || internalUrl.getRawQuery() != null
        || internalUrl.getRawFragment() != null
        || internalUrl.getRawUserInfo() != null
        || internalUrl.toString().length() > 512) {
      throw new IllegalArgumentException(
          "proxy.replica.internal-url must be an http(s) URL with a host, without query, fragment"
              + " or user, at most 512 characters, got: "
              + internalUrl);
    }
  }

  public static ReplicaSettings defaults() {
    return new ReplicaSettings("proxy-1", URI.create("http://127.0.0.1:3801"));
  }

  public static ReplicaSettings from(Config c) {
    ReplicaSettings d = defaults();
    return new ReplicaSettings(
        c.get("id").asString().orElse(d.id()),
        c.get("internal-url").asString().map(URI::create).orElse(d.internalUrl()));
  }
}
