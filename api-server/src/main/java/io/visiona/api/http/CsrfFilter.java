package io.visiona.api.http;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.visiona.api.access.DeviceTarget;
import io.visiona.server.errors.ApiError;
import io.visiona.server.errors.ErrorCode;
import io.visiona.server.errors.ErrorEnvelope;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Cross-site request defence for the cookie-authenticated API, applied before routing to every
 * request under {@code /api}. Unsafe methods (anything but GET, HEAD, OPTIONS) need:
 *
 * <ol>
 *   <li>the static header {@code X-CSRF: 1} (a cross-origin page cannot send it without a CORS
 *       preflight, which this server never grants);
 *   <li>a same-origin request: {@code Sec-Fetch-Site} {@code same-origin} or {@code none}, or, when
 *       the browser sends no {@code Sec-Fetch-Site}, an {@code Origin} whose host equals {@code
 *       Host};
 *   <li>{@code Content-Type: application/json} whenever there is a body, except on device access
 *       ({@code /api/devices/{id}/agent/...}), whose bodies are the box's business.
 * </ol>
 */
public final class CsrfFilter implements Filter {

  public static final HeaderName X_CSRF = HeaderNames.create("X-CSRF");
  private static final Set<Method> SAFE = Set.of(Method.GET, Method.HEAD, Method.OPTIONS);

  @Override
  public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
    String path = req.path().path();
    if (!path.equals("/api") && !path.startsWith("/api/")) {
      chain.proceed();
      return;
    }
    if (!SAFE.contains(req.prologue().method())) {
      Optional<ApiError> refused = check(req, !DeviceTarget.matches(path));
      if (refused.isPresent()) {
        ErrorEnvelope.send(res, refused.get());
        return;
      }
    }
    chain.proceed();
  }

  static Optional<ApiError> check(RoutingRequest req, boolean jsonOnly) {
    if (!req.headers().first(X_CSRF).map("1"::equals).orElse(false)) {
      return Optional.of(
          new ApiError(ErrorCode.CSRF_HEADER_MISSING, "this request needs the header X-CSRF: 1"));
    }
    if (!SameOrigin.check(req.headers(), false)) {
      return Optional.of(
          new ApiError(ErrorCode.CSRF_CROSS_ORIGIN, "cross-origin requests are not allowed"));
    }
    if (jsonOnly
        && req.content().hasEntity()
        && !isJson(req.headers().first(HeaderNames.CONTENT_TYPE))) {
      return Optional.of(
          new ApiError(
              ErrorCode.UNSUPPORTED_MEDIA_TYPE, "request bodies must be application/json"));
    }
    return Optional.empty();
  }

  private static boolean isJson(Optional<String> contentType) {
    return contentType
        .map(ct -> ct.split(";", 2)[0].trim().toLowerCase(Locale.ROOT))
        .map("application/json"::equals)
        .orElse(false);
  }
}
