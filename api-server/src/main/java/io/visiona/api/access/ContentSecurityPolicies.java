package io.visiona.api.access;

import io.helidon.config.Config;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The {@code Content-Security-Policy} a box's response is served with, chosen by its media type.
 * The default, {@code sandbox} without {@code allow-same-origin}, runs a box's page in an opaque
 * origin, so it cannot use the person's session on this origin (ADR 0025).
 *
 * @param defaultPolicy for every media type without its own entry
 * @param perMediaType policies for given media types ({@code text/html}, ...)
 */
public record ContentSecurityPolicies(String defaultPolicy, List<ForMediaType> perMediaType) {

  /** One media type's policy. */
  public record ForMediaType(String mediaType, String policy) {}

  public ContentSecurityPolicies {
    perMediaType = List.copyOf(perMediaType);
    for (String p : policies(defaultPolicy, perMediaType)) {
      if (p.isBlank() || p.chars().anyMatch(c -> c < 0x20 || c > 0x7e)) {
        throw new IllegalArgumentException(
            "api.devices.access.content-security-policy: a policy must be non-empty visible ASCII");
      }
    }
  }

  private static List<String> policies(String d, List<ForMediaType> per) {
    return java.util.stream.Stream.concat(
            java.util.stream.Stream.of(d), per.stream().map(ForMediaType::policy))
        .toList();
  }

  public static ContentSecurityPolicies defaults() {
    return new ContentSecurityPolicies("sandbox", List.of());
  }

  public static ContentSecurityPolicies from(Config c) {
    List<ForMediaType> per =
        c.get("per-media-type").asNodeList().orElse(List.of()).stream()
            .map(
                n ->
                    new ForMediaType(
                        n.get("media-type").asString().get().trim().toLowerCase(Locale.ROOT),
                        n.get("policy").asString().get().trim()))
            .toList();
    return new ContentSecurityPolicies(
        c.get("default").asString().orElse(defaults().defaultPolicy()), per);
  }

  /** The policy for a response with this {@code Content-Type} (parameters ignored). */
  public String forContentType(Optional<String> contentType) {
    String type =
        contentType.map(t -> t.split(";", 2)[0].trim().toLowerCase(Locale.ROOT)).orElse("");
    for (ForMediaType m : perMediaType) {
      if (m.mediaType().equals(type)) {
        return m.policy();
      }
    }
    return defaultPolicy;
  }
}
