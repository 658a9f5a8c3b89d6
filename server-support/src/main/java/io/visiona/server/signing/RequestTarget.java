package io.visiona.server.signing;

import io.helidon.http.HttpPrologue;
import java.net.URI;

/**
 * The signed request target: the raw path, plus {@code ?} and the raw query when the query is not
 * empty. Both sides must compute it the same way from what actually travels on the request line.
 */
final class RequestTarget {

  private RequestTarget() {}

  /** As the JDK HttpClient writes the request line for {@code uri} (also for WebSocket URIs). */
  static String of(URI uri) {
    String path = uri.getRawPath();
    String query = uri.getRawQuery();
    return join(path == null || path.isEmpty() ? "/" : path, query);
  }

  /** As Helidon parsed the request line. */
  static String of(HttpPrologue prologue) {
    return join(prologue.uriPath().rawPath(), prologue.query().rawValue());
  }

  private static String join(String path, String query) {
    return query == null || query.isEmpty() ? path : path + "?" + query;
  }
}
