package io.visiona.server.routes;

import io.helidon.http.Method;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRoute;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;

/**
 * The routes of a listener as they were registered, so that tests can walk the live routing (every
 * route, not a hand-written list) and see which handlers ran. Register services through {@link
 * #recording}:
 *
 * <pre>{@code
 * RouteTable table = new RouteTable();
 * HttpRouting.Builder routing = HttpRouting.builder();
 * table.recording(routing).register("/internal", new SessionsService(...));
 * }</pre>
 *
 * Routes must name a method and a path ({@code get("/x", h)}, {@code route(Method, path, h)});
 * anything the table cannot describe is refused at registration, so no route escapes the walk.
 */
public final class RouteTable {

  /**
   * One registered route; {@code path} is the full pattern, e.g. {@code /internal/session/{id}}.
   */
  public record Route(Method method, String path, LongAdder hits) {

    /** How many requests the route's handler has been called for. */
    public long handled() {
      return hits.sum();
    }

    @Override
    public String toString() {
      return method.text() + " " + path;
    }
  }

  private final List<Route> routes = new CopyOnWriteArrayList<>();

  /** Every route registered through {@link #recording}, in registration order. */
  public List<Route> routes() {
    return List.copyOf(routes);
  }

  /** Rules that register into {@code rules} and record what they register. */
  public HttpRules recording(HttpRules rules) {
    return new Recording(rules, "");
  }

  private final class Recording implements HttpRules {
    private final HttpRules delegate;
    private final String prefix;

    Recording(HttpRules delegate, String prefix) {
      this.delegate = delegate;
      this.prefix = prefix;
    }

    @Override
    public HttpRules register(HttpService... services) {
      for (HttpService service : services) {
        delegate.register(new RecordedService(service, prefix));
      }
      return this;
    }

    @Override
    public HttpRules register(String pathPattern, HttpService... services) {
      for (HttpService service : services) {
        delegate.register(pathPattern, new RecordedService(service, join(prefix, pathPattern)));
      }
      return this;
    }

    @Override
    public HttpRules route(Method method, String pathPattern, Handler handler) {
      LongAdder hits = new LongAdder();
      routes.add(new Route(method, join(prefix, pathPattern), hits));
      delegate.route(
          method,
          pathPattern,
          (req, res) -> {
            hits.increment();
            handler.handle(req, res);
          });
      return this;
    }

    @Override
    public HttpRules route(HttpRoute route) {
      throw new IllegalArgumentException(
          "register routes with a method and a path pattern so that they can be walked");
    }
  }

  private final class RecordedService implements HttpService {
    private final HttpService service;
    private final String prefix;

    RecordedService(HttpService service, String prefix) {
      this.service = service;
      this.prefix = prefix;
    }

    @Override
    public void routing(HttpRules rules) {
      service.routing(new Recording(rules, prefix));
    }

    @Override
    public void beforeStart() {
      service.beforeStart();
    }

    @Override
    public void afterStart(io.helidon.webserver.WebServer server) {
      service.afterStart(server);
    }

    @Override
    public void afterStop() {
      service.afterStop();
    }
  }

  private static String join(String prefix, String path) {
    if (prefix.isEmpty() || path.equals("/")) {
      return prefix.isEmpty() ? path : prefix;
    }
    return prefix + path;
  }
}
