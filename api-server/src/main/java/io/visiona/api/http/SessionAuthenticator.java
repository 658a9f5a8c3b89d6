package io.visiona.api.http;

import io.helidon.http.Headers;
import io.helidon.http.ServerRequestHeaders;
import io.helidon.webserver.http.ServerRequest;
import io.visiona.api.session.ActiveSession;
import io.visiona.api.session.SessionService;
import io.visiona.server.errors.ApiError;
import java.util.Optional;

/** Finds the request's session from its cookie. There is no fallback user. */
public final class SessionAuthenticator {

  private final SessionService sessions;

  public SessionAuthenticator(SessionService sessions) {
    this.sessions = sessions;
  }

  public Optional<ActiveSession> authenticate(ServerRequest req) {
    return authenticate(req.headers());
  }

  /** From the raw headers, where there is no request yet (a WebSocket handshake). */
  public Optional<ActiveSession> authenticate(Headers headers) {
    return ServerRequestHeaders.create(headers)
        .cookies()
        .first(sessions.cookieName())
        .asOptional()
        .flatMap(sessions::resolve);
  }

  /** The session, or a 401 {@code UNAUTHENTICATED}. */
  public ActiveSession require(ServerRequest req) {
    return authenticate(req).orElseThrow(ApiError::unauthenticated);
  }
}
