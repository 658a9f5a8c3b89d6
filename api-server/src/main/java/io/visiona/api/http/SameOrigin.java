package io.visiona.api.http;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;

/**
 * Whether a request comes from a page of this origin: {@code Sec-Fetch-Site} {@code same-origin} or
 * {@code none} when the browser sends it, else an {@code Origin} whose authority equals {@code
 * Host}; without either, it is not a browser (whose requests carry no ambient credentials).
 */
public final class SameOrigin {

  static final HeaderName SEC_FETCH_SITE = HeaderNames.create("Sec-Fetch-Site");

  private SameOrigin() {}

  /**
   * @param requireOrigin true where a browser always sends {@code Origin} (WebSocket handshakes): a
   *     request with neither header is then refused
   */
  public static boolean check(Headers headers, boolean requireOrigin) {
    Optional<String> site = headers.first(SEC_FETCH_SITE);
    if (site.isPresent()) {
      String s = site.get().trim().toLowerCase(Locale.ROOT);
      return s.equals("same-origin") || s.equals("none");
    }
    Optional<String> origin = headers.first(HeaderNames.ORIGIN);
    if (origin.isEmpty()) {
      return !requireOrigin;
    }
    return originMatchesHost(origin.get(), headers);
  }

  private static boolean originMatchesHost(String origin, Headers headers) {
    Optional<String> host = headers.first(HeaderNames.HOST);
    try {
      URI o = URI.create(origin.trim());
      String authority = o.getRawAuthority();
      return o.getScheme() != null
          && authority != null
          && host.isPresent()
          && authority.equalsIgnoreCase(host.get().trim());
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
