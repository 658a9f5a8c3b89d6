package io.visiona.api;

import io.helidon.http.HttpException;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerResponse;
import io.visiona.api.auth.AuthRoutes;
import io.visiona.api.auth.IdTokenValidator;
import io.visiona.api.auth.IdpHttp;
import io.visiona.api.auth.JwksCache;
import io.visiona.api.auth.LoginFlow;
import io.visiona.api.auth.LoginRateLimit;
import io.visiona.api.auth.LoginTransactions;
import io.visiona.api.auth.OidcProvider;
import io.visiona.api.auth.OidcSettings;
import io.visiona.api.auth.ServiceClient;
import io.visiona.api.auth.TokenEndpoint;
import io.visiona.api.crypto.SignedCookies;
import io.visiona.api.http.ApiResponseHeaders;
import io.visiona.api.http.ApiRoutes;
import io.visiona.api.http.CookieWriter;
import io.visiona.api.http.CsrfFilter;
import io.visiona.api.http.SessionAuthenticator;
import io.visiona.api.persistence.AuditLog;
import io.visiona.api.persistence.Database;
import io.visiona.api.persistence.LoginTransactionRepository;
import io.visiona.api.persistence.SessionRepository;
import io.visiona.api.persistence.UserRepository;
import io.visiona.api.session.SessionService;
import io.visiona.server.errors.ApiError;
import io.visiona.server.errors.ErrorCode;
import io.visiona.server.errors.ErrorEnvelope;
import io.visiona.server.limits.ClientAddress;
import java.time.Clock;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Wires the api-server's parts: database, sessions, OIDC login and the {@code /api} routes. */
public final class ApiApplication implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(ApiApplication.class.getName());

  private final Database database;
  private final SessionService sessions;
  private final ApiRoutes routes;
  private final ServiceClient serviceClient;
  private final UserRepository users;

  private ApiApplication(
      Database database,
      SessionService sessions,
      ApiRoutes routes,
      ServiceClient serviceClient,
      UserRepository users) {
    this.database = database;
    this.sessions = sessions;
    this.routes = routes;
    this.serviceClient = serviceClient;
    this.users = users;
  }

  public static ApiApplication create(ApiSettings settings, Clock clock) {
    Database db = Database.open(settings.database());
    try {
      UserRepository users = new UserRepository(db.jdbi());
      AuditLog audit = new AuditLog(db.jdbi(), clock);
      CookieWriter cookies = new CookieWriter(settings.session().insecureDevCookies());
      SessionService sessions =
          new SessionService(
              new SessionRepository(db.jdbi()),
              users,
              settings.session(),
              cookies.name(SessionService.COOKIE),
              clock);

      OidcSettings oidc = settings.oidc();
      IdpHttp http = new IdpHttp(oidc.httpTimeout());
      OidcProvider provider = new OidcProvider(oidc.issuer(), http, clock);
      JwksCache jwks =
          new JwksCache(
              () -> provider.metadata().jwksUri(),
              http,
              clock,
              oidc.jwksMinRefreshInterval(),
              oidc.jwksMaxAge());
      LoginTransactions transactions =
          new LoginTransactions(
              new LoginTransactionRepository(db.jdbi()),
              new SignedCookies(settings.session().keys(), clock),
              cookies.name(LoginTransactions.COOKIE),
              oidc,
              clock);
      LoginFlow flow =
          new LoginFlow(
              oidc,
              provider,
              new IdTokenValidator(oidc, jwks, clock),
              transactions,
              new TokenEndpoint(http, oidc.client()),
              users,
              sessions,
              audit,
              clock);

      OidcProvider serviceProvider =
          settings.serviceClient().issuer().equals(oidc.issuer())
              ? provider
              : new OidcProvider(settings.serviceClient().issuer(), http, clock);
      ServiceClient serviceClient =
          new ServiceClient(settings.serviceClient(), serviceProvider, http, clock);

      ApiRoutes routes = new ApiRoutes(new SessionAuthenticator(sessions));
      LoginRateLimit loginLimit =
          new LoginRateLimit(
              oidc.loginsPerAddress(), new ClientAddress(settings.trustedProxies()), clock);
      new AuthRoutes(flow, sessions, transactions, cookies, loginLimit).register(routes);
      return new ApiApplication(db, sessions, routes, serviceClient, users);
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
  }

  /**
   * Adds the /api response headers, the CSRF filter, the JSON error handlers and every {@code /api}
   * route.
   */
  public void routing(HttpRouting.Builder routing) {
    routing
        .addFilter(new ApiResponseHeaders())
        .addFilter(new CsrfFilter())
        .error(ApiError.class, (req, res, e) -> ErrorEnvelope.send(res, e))
        // Helidon's own refusals (no route: 404, bad request line, ...) keep their status.
        .error(HttpException.class, (req, res, e) -> httpError(res, e))
        .error(
            RuntimeException.class,
            (req, res, e) -> {
              LOG.log(Level.WARNING, "unhandled error on " + req.path().path(), e);
              ErrorEnvelope.send(res, new ApiError(ErrorCode.INTERNAL, "internal error"));
            });
    routes.applyTo(routing);
  }

  private static void httpError(ServerResponse res, HttpException e) {
    Status status = e.status();
    if (status.code() >= 500) {
      LOG.warning("request failed with " + status + ": " + e.getMessage());
    }
    ErrorEnvelope.send(res, status, status.reasonPhrase().toLowerCase(Locale.ROOT));
  }

  public ApiRoutes routes() {
    return routes;
  }

  public SessionService sessions() {
    return sessions;
  }

  public UserRepository users() {
    return users;
  }

  public ServiceClient serviceClient() {
    return serviceClient;
  }

  @Override
  public void close() {
    database.close();
  }
}
