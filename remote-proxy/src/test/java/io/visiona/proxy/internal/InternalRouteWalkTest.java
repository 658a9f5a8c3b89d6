package io.visiona.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.visiona.proxy.ProxyServer;
import io.visiona.proxy.ProxySettings;
import io.visiona.proxy.support.MapAuthenticator;
import io.visiona.proxy.support.ProxyFixture;
import io.visiona.proxy.support.RawHttp;
import io.visiona.server.routes.RouteTable;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Default deny on the internal listener, walked over the live routing: every registered route, and
 * the relay-link upgrade, reached unsigned through paths that a router normalises (dot segments,
 * double slashes, matrix parameters, percent-encoding) must get 401 without its handler running,
 * with signing keys configured and without any.
 */
@Timeout(120)
class InternalRouteWalkTest {

  /** Ways to write a path {@code P} that the router resolves to {@code P} (or tries to). */
  static List<String> variants(String path) {
    String tail = path.substring(1); // without the leading slash
    return List.of(
        path,
        "/" + path,
        path + "/",
        path + ";x=1",
        "/observe/../" + tail,
        "/observe//../" + tail,
        "/observe/./../" + tail,
        "/observe/health/../../" + tail,
        "/observe/..;/" + tail,
        "/observe/health/..;/..;/" + tail,
        "/observe/%2e%2e/" + tail,
        "/observe/%2E%2E/" + tail,
        "/observe/%2e%2e%2f" + tail,
        "/observe/health/%2e%2e/%2e%2e/" + tail,
        "/observe%2f..%2f" + tail,
        "/%2e/" + tail,
        "/./" + tail,
        path.replace("/internal/", "/%69nternal/"),
        path.replace("/internal/", "/internal/./"),
        path.replace("/internal/", "/internal//"),
        path.replace("/internal/", "/internal;a=b/"));
  }

  static Stream<Arguments> keys() {
    return Stream.of(Arguments.of("with signing keys", true), Arguments.of("without keys", false));
  }

  private static ProxyFixture proxy(boolean withKeys) {
    ProxySettings settings = ProxySettings.loopback();
    return new ProxyFixture(
        settings,
        new MapAuthenticator().add("c", "dev-1"),
        withKeys ? ProxyFixture.verifying(settings, Clock.systemUTC()) : Optional.empty());
  }

  private static String concrete(String pattern) {
    return pattern.replaceAll("\\{[^}]+}", "dev-1");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("keys")
  void everyInternalRouteRefusesUnsignedRequestsUnderEveryPathVariant(String name, boolean keys)
      throws Exception {
    try (ProxyFixture f = proxy(keys)) {
      List<RouteTable.Route> routes = f.proxy.internalRoutes().routes();
      assertThat(routes)
          .extracting(RouteTable.Route::toString)
          .contains(
              "GET /internal/sessions",
              "GET /internal/session/{device}",
              "POST /internal/session/{device}/close",
              "POST /internal/forward/http");
      List<String> passed = new ArrayList<>();
      int sent = 0;
      for (RouteTable.Route route : routes) {
        String body =
            route.method().text().equals("POST")
                ? "{\"device_id\":\"dev-1\",\"method\":\"POST\",\"path\":\"/admin/factory-reset\"}"
                : "";
        for (String path : variants(concrete(route.path()))) {
          RawHttp.Response r =
              RawHttp.request(f.proxy.internalPort(), route.method().text(), path, body);
          sent++;
          if (r.status() != 401) {
            passed.add(route.method().text() + " " + path + " -> " + r.status());
          }
        }
      }
      assertThat(passed).as("unsigned requests not refused with 401").isEmpty();
      assertThat(sent).isGreaterThan(routes.size() * 20);
      for (RouteTable.Route route : routes) {
        assertThat(route.handled()).as("handler of " + route).isZero();
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("keys")
  void theRelayLinkRefusesUnsignedUpgradesUnderEveryPathVariant(String name, boolean keys)
      throws Exception {
    try (ProxyFixture f = proxy(keys)) {
      List<String> passed = new ArrayList<>();
      for (String path : variants(ProxyServer.LINK_PATH)) {
        RawHttp.Response r = RawHttp.upgrade(f.proxy.internalPort(), path, Map.of());
        // 401 where the upgrade route matches; elsewhere the request is an unsigned HTTP request
        if (r.status() != 401) {
          passed.add(path + " -> " + r.status());
        }
      }
      assertThat(passed).as("unsigned upgrades not refused with 401").isEmpty();
      assertThat(f.proxy.links().all()).isEmpty();
    }
  }

  @Test
  void theRawClientReachesTheRouterThroughNormalisedPaths() throws Exception {
    // Control: the same kind of path that must be refused above does reach a public route.
    try (ProxyFixture f = proxy(true)) {
      assertThat(
              RawHttp.request(f.proxy.internalPort(), "GET", "/internal/../observe/health", "")
                  .status())
          .isEqualTo(200);
      assertThat(
              RawHttp.request(f.proxy.internalPort(), "GET", "/observe/./health/ready", "")
                  .status())
          .isEqualTo(200);
    }
  }
}
