package io.visiona.api.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.visiona.api.testing.TestBrowser;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/** The browser's side of a login, one redirect at a time. */
final class OidcFlowSupport {

  private OidcFlowSupport() {}

  /** GET /api/auth/login; returns the provider's authorization URL. */
  static URI startLogin(TestBrowser browser, String returnTo) {
    HttpResponse<String> r =
        browser.get(
            "/api/auth/login"
                + (returnTo == null
                    ? ""
                    : "?returnTo=" + URLEncoder.encode(returnTo, StandardCharsets.UTF_8)));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(302);
    return TestBrowser.location(r);
  }

  /** Visits the provider, which answers at once with a redirect to the callback. */
  static URI authorize(TestBrowser browser, URI authorizationUrl) {
    HttpResponse<String> r = browser.get(authorizationUrl.toString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(302);
    return TestBrowser.location(r);
  }

  static HttpResponse<String> callback(TestBrowser browser, URI callback) {
    return browser.get(callback.toString());
  }

  /** A whole login; returns the callback's response. */
  static HttpResponse<String> login(TestBrowser browser, String returnTo) {
    return callback(browser, authorize(browser, startLogin(browser, returnTo)));
  }

  static URI withParam(URI uri, String name, String value) {
    String q = uri.getRawQuery();
    String replaced =
        java.util.Arrays.stream(q.split("&"))
            .map(
                p ->
                    p.startsWith(name + "=")
                        ? name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8)
                        : p)
            .reduce((a, b) -> a + "&" + b)
            .orElse("");
    if (!replaced.contains(name + "=")) {
      replaced += "&" + name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
    String s = uri.toString();
    return URI.create(s.substring(0, s.indexOf('?') + 1) + replaced);
  }
}
