package io.visiona.api.http;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.visiona.server.errors.ErrorCode;
import io.visiona.server.errors.ErrorEnvelope;
import io.visiona.server.limits.AddressRateLimiter;
import io.visiona.server.routes.RouteTable;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The routes boxes call, outside {@code /api} and without a session: pairing ({@code /v1/pair/})
 * and their own credential ({@code /v1/device/}). Each handler authenticates the box itself (device
 * code or credential). Every route is rate-limited per client address and in all, before its
 * handler runs; routes are recorded for the tests that walk them.
 */
public final class BoxRoutes {

  private static final List<String> PREFIXES = List.of("/v1/pair/", "/v1/device/");
  private static final String EVERYONE = "*";

  private final RouteTable table = new RouteTable();
  private final List<Consumer<HttpRules>> registrations = new ArrayList<>();
  private final AddressRateLimiter perAddress;
  private final AddressRateLimiter overall;
  private final Function<ServerRequest, String> clientKey;

  /**
   * @param clientKey the key a request's client is limited under (its address, or network)
   */
  public BoxRoutes(
      AddressRateLimiter perAddress,
      AddressRateLimiter overall,
      Function<ServerRequest, String> clientKey) {
    this.perAddress = perAddress;
    this.overall = overall;
    this.clientKey = clientKey;
  }

  public BoxRoutes route(Method method, String path, Handler handler) {
    if (PREFIXES.stream().noneMatch(path::startsWith)) {
      throw new IllegalArgumentException("box routes live under " + PREFIXES + ": " + path);
    }
    registrations.add(rules -> table.recording(rules).route(method, path, limited(handler)));
    return this;
  }

  private Handler limited(Handler handler) {
    return (req, res) -> {
      if (!overall.tryAcquire(EVERYONE)) {
        // Sent here, not thrown: an error handler would drop Retry-After.
        res.header(HeaderNames.RETRY_AFTER, "1");
        ErrorEnvelope.send(
            res, ErrorCode.OVERLOADED, "too many requests from boxes; retry shortly");
        return;
      }
      if (!perAddress.tryAcquire(clientKey.apply(req))) {
        res.header(HeaderNames.RETRY_AFTER, "10");
        ErrorEnvelope.send(res, ErrorCode.RATE_LIMITED, "too many requests from this address");
        return;
      }
      handler.handle(req, res);
    };
  }

  public void applyTo(HttpRules rules) {
    registrations.forEach(r -> r.accept(rules));
  }

  /** Every box route, as registered. */
  public RouteTable table() {
    return table;
  }
}
