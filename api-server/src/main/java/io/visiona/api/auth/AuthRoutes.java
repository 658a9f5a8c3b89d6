package io.visiona.api.auth;

import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.visiona.api.http.ApiRoutes;
import io.visiona.api.http.CookieWriter;
import io.visiona.api.http.CookieWriter.SameSite;
import io.visiona.api.http.JsonResponses;
import io.visiona.api.persistence.User;
import io.visiona.api.session.ActiveSession;
import io.visiona.api.session.SessionService;
import io.visiona.server.errors.ApiError;
import io.visiona.server.errors.ErrorCode;
import io.visiona.server.errors.ErrorEnvelope;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code /api/auth}: login and callback (public), me, logout and the user's own sessions (need a
 * session).
 */
public final class AuthRoutes {

  private final LoginFlow flow;
  private final SessionService sessions;
  private final LoginTransactions transactions;
  private final CookieWriter cookies;
  private final LoginRateLimit loginLimit;

  public AuthRoutes(
      LoginFlow flow,
      SessionService sessions,
      LoginTransactions transactions,
      CookieWriter cookies,
      LoginRateLimit loginLimit) {
    this.flow = flow;
    this.sessions = sessions;
    this.transactions = transactions;
    this.cookies = cookies;
    this.loginLimit = loginLimit;
  }

  public void register(ApiRoutes routes) {
    routes
        .publicRoute(Method.GET, "/api/auth/login", this::login)
        .publicRoute(Method.GET, "/api/auth/callback", this::callback)
        .sessionRoute(Method.GET, "/api/auth/me", this::me)
        .sessionRoute(Method.POST, "/api/auth/logout", this::logout)
        .sessionRoute(Method.GET, "/api/auth/sessions", this::listSessions)
        .sessionRoute(Method.DELETE, "/api/auth/sessions/{id}", this::revokeSession);
  }

  private void login(ServerRequest req, ServerResponse res) {
    Optional<ApiError> refused = loginLimit.acquire(req);
    if (refused.isPresent()) {
      res.header(HeaderNames.RETRY_AFTER, Long.toString(loginLimit.retryAfterSeconds()));
      ErrorEnvelope.send(res, refused.get());
      return;
    }
    LoginFlow.LoginRedirect r =
        flow.login(cookie(req, transactions.cookieName()), query(req, "returnTo"));
    redirect(
        res,
        r.authorizationUrl(),
        List.of(
            cookies.set(
                transactions.cookieName(),
                r.loginCookieValue(),
                SameSite.LAX,
                transactions.ttl())));
  }

  private void callback(ServerRequest req, ServerResponse res) {
    LoginFlow.Finished f =
        flow.callback(
            new LoginFlow.Callback(
                query(req, "code"),
                query(req, "state"),
                query(req, "iss"),
                query(req, "error"),
                cookie(req, transactions.cookieName()),
                cookie(req, sessions.cookieName()),
                req.headers().first(HeaderNames.USER_AGENT).orElse(null)));
    List<String> setCookies = new ArrayList<>();
    setCookies.add(
        cookies.set(sessions.cookieName(), f.sessionCookieValue(), SameSite.STRICT, null));
    if (!f.browserHasMorePendingLogins()) {
      setCookies.add(cookies.clear(transactions.cookieName(), SameSite.LAX));
    }
    redirect(res, ReturnTo.location(f.returnTo()), setCookies);
  }

  private void me(ActiveSession s, ServerRequest req, ServerResponse res) {
    JsonResponses.send(
        res,
        Status.OK_200,
        Json.createObjectBuilder()
            .add("user", user(s.user()))
            .add(
                "session",
                Json.createObjectBuilder()
                    .add("id", s.handle())
                    .add("createdAt", s.createdAt())
                    .add("expiresAt", s.expiresAt()))
            .build());
  }

  private void logout(ActiveSession s, ServerRequest req, ServerResponse res) {
    Optional<URI> endSession = flow.logout(s);
    res.header(HeaderValues.create(HeaderNames.SET_COOKIE, clearSession()));
    JsonObjectBuilder body = Json.createObjectBuilder();
    endSession.ifPresentOrElse(
        u -> body.add("endSessionUrl", u.toString()), () -> body.addNull("endSessionUrl"));
    JsonResponses.send(res, Status.OK_200, body.build());
  }

  private void listSessions(ActiveSession s, ServerRequest req, ServerResponse res) {
    JsonArrayBuilder list = Json.createArrayBuilder();
    for (SessionService.View v : sessions.list(s.user().id())) {
      JsonObjectBuilder o =
          Json.createObjectBuilder()
              .add("id", v.id())
              .add("createdAt", v.createdAt())
              .add("lastSeenAt", v.lastSeenAt())
              .add("expiresAt", v.expiresAt())
              .add("current", v.id().equals(s.handle()));
      if (v.userAgent() != null) {
        o.add("userAgent", v.userAgent());
      }
      list.add(o);
    }
    JsonResponses.send(
        res, Status.OK_200, Json.createObjectBuilder().add("sessions", list).build());
  }

  private void revokeSession(ActiveSession s, ServerRequest req, ServerResponse res) {
    String id = req.path().pathParameters().first("id").orElse("");
    if (!sessions.revoke(s.user().id(), id)) {
      throw new ApiError(ErrorCode.SESSION_NOT_FOUND, "no such session");
    }
    if (id.equals(s.handle())) {
      res.header(HeaderValues.create(HeaderNames.SET_COOKIE, clearSession()));
    }
    res.status(Status.NO_CONTENT_204).send();
  }

  private String clearSession() {
    return cookies.clear(sessions.cookieName(), SameSite.STRICT);
  }

  private static JsonObjectBuilder user(User u) {
    JsonObjectBuilder o =
        Json.createObjectBuilder()
            .add("id", u.id())
            .add("issuer", u.issuer())
            .add("subject", u.subject());
    if (u.email() != null) {
      o.add("email", u.email());
    }
    if (u.displayName() != null) {
      o.add("name", u.displayName());
    }
    return o;
  }

  private static void redirect(ServerResponse res, URI location, List<String> setCookies) {
    res.status(Status.FOUND_302);
    res.header(HeaderNames.LOCATION, location.toString());
    res.header(HeaderNames.CACHE_CONTROL, "no-store");
    res.header(HeaderNames.create("Referrer-Policy"), "no-referrer");
    res.header(HeaderValues.create(HeaderNames.SET_COOKIE, setCookies.toArray(String[]::new)));
    res.send();
  }

  private static Optional<String> query(ServerRequest req, String name) {
    return req.query().first(name).asOptional();
  }

  private static Optional<String> cookie(ServerRequest req, String name) {
    return req.headers().cookies().first(name).asOptional();
  }
}
