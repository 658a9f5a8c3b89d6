package io.visiona.server.signing;

import io.helidon.http.HttpPrologue;
import io.helidon.http.Method;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The exact paths of a listener that need no signature (health and metrics for probes and
 * scrapers), decided on the path the router matches: the request path decoded, with dot segments
 * and double slashes resolved and matrix parameters removed. {@code /observe/../internal/x} is
 * therefore {@code /internal/x}, never public; {@code /observe/health;x} is the health check, which
 * it is allowed to be. No prefixes: a path is public only if it is one of the listed paths.
 *
 * <p>Only GET and HEAD: the public endpoints are read-only.
 */
public final class PublicPaths {

  private static final Pattern PLAIN_PATH = Pattern.compile("(/[A-Za-z0-9_.-]+)+");
  private static final Set<Method> READ_ONLY = Set.of(Method.GET, Method.HEAD);

  /** Health and metrics as {@code Observability} serves them. */
  public static final PublicPaths OBSERVE =
      of(
          Set.of(
              "/observe/health",
              "/observe/health/live",
              "/observe/health/ready",
              "/observe/metrics"));

  /** No public path: every request must be signed. */
  public static final PublicPaths NONE = of(Set.of());

  private final Set<String> paths;

  private PublicPaths(Set<String> paths) {
    this.paths = paths;
  }

  /**
   * @param paths exact paths such as {@code /observe/health}: segments of letters, digits, {@code _
   *     . -}, no dot segments
   */
  public static PublicPaths of(Set<String> paths) {
    for (String path : paths) {
      if (!PLAIN_PATH.matcher(path).matches()
          || path.contains("/./")
          || path.contains("/../")
          || path.endsWith("/.")
          || path.endsWith("/..")) {
        throw new IllegalArgumentException("a public path must look like /a/b: " + path);
      }
    }
    return new PublicPaths(Set.copyOf(paths));
  }

  /** True when the router would route this request to one of the public paths. */
  public boolean matches(HttpPrologue prologue) {
    if (paths.isEmpty() || !READ_ONLY.contains(prologue.method())) {
      return false;
    }
    String routed;
    try {
      routed = prologue.uriPath().path();
    } catch (IllegalArgumentException e) {
      return false; // not decodable: the router will not route it either
    }
    return paths.contains(routed);
  }

  public Set<String> paths() {
    return paths;
  }
}
