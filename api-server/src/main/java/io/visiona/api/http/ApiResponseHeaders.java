package io.visiona.api.http;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * Headers every {@code /api} response carries, errors included (set before routing, so whatever
 * answers later keeps them): {@code Cache-Control: no-store} (answers are per user) and {@code
 * X-Content-Type-Options: nosniff} (a browser never reads a JSON answer as HTML or script).
 */
public final class ApiResponseHeaders implements Filter {

  static final HeaderName X_CONTENT_TYPE_OPTIONS = HeaderNames.create("X-Content-Type-Options");

  @Override
  public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
    String path = req.path().path();
    if (path.equals("/api") || path.startsWith("/api/")) {
      res.header(HeaderNames.CACHE_CONTROL, "no-store");
      res.header(X_CONTENT_TYPE_OPTIONS, "nosniff");
    }
    chain.proceed();
  }
}
