package io.visiona.api.access;

import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.ServerResponseHeaders;
import io.visiona.server.http1.HttpHeader;
import io.visiona.server.http1.ResponseHead;
import java.util.Locale;
import java.util.Set;

/**
 * The headers a box's response is served with. Device content shares the API's origin (ADR 0025),
 * so nothing from the box may act on that origin: cookies, site data, CORS grants, HSTS, service
 * worker scope and caching rules are dropped, and every response gets a sandboxing {@code
 * Content-Security-Policy}, {@code X-Content-Type-Options: nosniff}, {@code Referrer-Policy:
 * no-referrer} and {@code Cross-Origin-Resource-Policy: same-origin}.
 */
final class BoxResponseHeaders {

  private static final Set<String> DROPPED =
      Set.of(
          "set-cookie",
          "set-cookie2",
          "clear-site-data",
          "strict-transport-security",
          "alt-svc",
          "service-worker-allowed",
          "content-security-policy",
          "content-security-policy-report-only",
          "x-content-type-options",
          "referrer-policy",
          "cross-origin-resource-policy",
          "cross-origin-opener-policy",
          "cross-origin-embedder-policy",
          "cache-control",
          "expires",
          "pragma",
          "date",
          "server");

  private BoxResponseHeaders() {}

  /** Copies the box's headers that may pass, then sets the policy headers. */
  static void apply(
      ResponseHead head, ServerResponseHeaders out, ContentSecurityPolicies policies) {
    Set<String> connectionListed =
        HttpHeader.connectionListed(
            head.headers().stream()
                .filter(h -> h.name().equalsIgnoreCase("connection"))
                .map(HttpHeader::value)
                .toList());
    for (HttpHeader h : head.headers()) {
      if (passes(h.name(), connectionListed)) {
        out.add(HeaderValues.create(HeaderNames.create(h.name()), h.value()));
      }
    }
    out.set(
        HeaderNames.create("Content-Security-Policy"),
        policies.forContentType(head.first("content-type")));
    out.set(HeaderNames.create("X-Content-Type-Options"), "nosniff");
    out.set(HeaderNames.create("Referrer-Policy"), "no-referrer");
    out.set(HeaderNames.create("Cross-Origin-Resource-Policy"), "same-origin");
    out.set(HeaderNames.CACHE_CONTROL, "no-store");
  }

  static boolean passes(String name, Set<String> connectionListed) {
    String n = name.toLowerCase(Locale.ROOT);
    return !HttpHeader.hopByHop(n)
        && !DROPPED.contains(n)
        && !connectionListed.contains(n)
        && !n.startsWith("access-control-")
        && !n.startsWith("visiona-");
  }
}
