package io.visiona.api.http;

import io.helidon.http.Method;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.visiona.api.session.ActiveSession;
import io.visiona.server.errors.ApiError;
import io.visiona.server.errors.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The one way to add an {@code /api} route. Every route is either {@link Access#PUBLIC} (an
 * explicit, short list) or {@link Access#SESSION}, whose handler only runs with a valid session and
 * receives it. Routes are kept in a list that tests walk, and anything under {@code /api} that
 * matches no route gets 401 without a session and 404 with one.
 */
public final class ApiRoutes {

  /** Who may call a route. */
  public enum Access {
    /** No session needed: only the login entry points. */
    PUBLIC,
    /** A valid session is needed; the handler receives it. */
    SESSION
  }

  /** A registered route, as tests see it. Path parameters are written {@code {name}}. */
  public record Route(Method method, String path, Access access) {}

  /** A handler that runs with the caller's session. */
  @FunctionalInterface
  public interface SessionHandler {
    void handle(ActiveSession session, ServerRequest req, ServerResponse res) throws Exception;
  }

  private final SessionAuthenticator authenticator;
  private final List<Route> routes = new ArrayList<>();
  private final List<Consumer<HttpRules>> registrations = new ArrayList<>();

  public ApiRoutes(SessionAuthenticator authenticator) {
    this.authenticator = authenticator;
  }

  public ApiRoutes publicRoute(Method method, String path, Handler handler) {
    add(new Route(method, path, Access.PUBLIC), handler);
    return this;
  }

  public ApiRoutes sessionRoute(Method method, String path, SessionHandler handler) {
    add(
        new Route(method, path, Access.SESSION),
        (req, res) -> handler.handle(authenticator.require(req), req, res));
    return this;
  }

  private void add(Route route, Handler handler) {
    if (!route.path().startsWith("/api/")) {
      throw new IllegalArgumentException("API routes live under /api/: " + route.path());
    }
    routes.add(route);
    registrations.add(rules -> rules.route(route.method(), route.path(), handler));
  }

  /** Every registered route, in registration order. */
  public List<Route> routes() {
    return List.copyOf(routes);
  }

  /** Registers the routes, then the catch-all for the rest of {@code /api}. */
  public void applyTo(HttpRules rules) {
    registrations.forEach(r -> r.accept(rules));
    Handler unknown =
        (req, res) -> {
          authenticator.require(req);
          throw new ApiError(ErrorCode.NOT_FOUND, "no such API route");
        };
    rules.any("/api", unknown).any("/api/*", unknown);
  }
}
