package io.visiona.api.auth;

import io.visiona.api.crypto.RandomTokens;
import io.visiona.api.persistence.AuditLog;
import io.visiona.api.persistence.User;
import io.visiona.api.persistence.UserRepository;
import io.visiona.api.session.ActiveSession;
import io.visiona.api.session.SessionService;
import io.visiona.server.errors.ApiError;
import io.visiona.server.errors.ErrorCode;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * The authorization-code flow of the backend-for-frontend: start a login, finish it at the callback
 * (checks in the order of security.md §1b), and build the provider's logout URL.
 */
public final class LoginFlow {

  private static final Logger LOG = Logger.getLogger(LoginFlow.class.getName());

  private final OidcSettings settings;
  private final OidcProvider provider;
  private final IdTokenValidator validator;
  private final LoginTransactions transactions;
  private final TokenEndpoint tokens;
  private final UserRepository users;
  private final SessionService sessions;
  private final AuditLog audit;
  private final Clock clock;

  public LoginFlow(
      OidcSettings settings,
      OidcProvider provider,
      IdTokenValidator validator,
      LoginTransactions transactions,
      TokenEndpoint tokens,
      UserRepository users,
      SessionService sessions,
      AuditLog audit,
      Clock clock) {
    this.settings = settings;
    this.provider = provider;
    this.validator = validator;
    this.transactions = transactions;
    this.tokens = tokens;
    this.users = users;
    this.sessions = sessions;
    this.audit = audit;
    this.clock = clock;
  }

  /** Where to send the browser, and the new value of its login cookie. */
  public record LoginRedirect(URI authorizationUrl, String loginCookieValue) {}

  public LoginRedirect login(Optional<String> loginCookie, Optional<String> returnToParam) {
    if (!settings.configured()) {
      throw new ApiError(
          ErrorCode.OIDC_NOT_CONFIGURED,
          "login is not configured: set api.oidc.issuer and api.oidc.client-id");
    }
    String returnTo =
        ReturnTo.validate(returnToParam.orElse("/"))
            .orElseThrow(
                () ->
                    new ApiError(
                        ErrorCode.INVALID_RETURN_TO,
                        "returnTo must be a local path such as /devices"));
    ProviderMetadata md = provider.metadata();
    LoginTransactions.Started t = transactions.start(loginCookie, returnTo);
    Map<String, String> q = new LinkedHashMap<>();
    q.put("response_type", "code");
    q.put("client_id", settings.client().clientId());
    q.put("redirect_uri", settings.redirectUri().toString());
    q.put("scope", settings.scopes());
    q.put("state", t.state());
    q.put("nonce", t.nonce());
    q.put("code_challenge", t.codeChallenge());
    q.put("code_challenge_method", "S256");
    return new LoginRedirect(withQuery(md.authorizationEndpoint(), q), t.cookieValue());
  }

  /** The callback's parameters and the browser's cookies. */
  public record Callback(
      Optional<String> code,
      Optional<String> state,
      Optional<String> iss,
      Optional<String> error,
      Optional<String> loginCookie,
      Optional<String> sessionCookie,
      String userAgent) {}

  /** A finished login: the new session's cookie and where to go. */
  public record Finished(
      String sessionCookieValue, String returnTo, boolean browserHasMorePendingLogins) {}

  public Finished callback(Callback cb) {
    try {
      return finish(cb);
    } catch (ApiError e) {
      audit.record(null, "login_failed", e.code());
      LOG.info("login failed: " + e.code() + ": " + e.getMessage());
      throw e;
    }
  }

  private Finished finish(Callback cb) {
    if (cb.error().isPresent()) {
      transactions.discard(cb.loginCookie(), cb.state().orElse(null));
      throw new ApiError(
          ErrorCode.LOGIN_DENIED,
          "the identity provider ended the login: " + safeError(cb.error().get()));
    }
    LoginTransactions.Pending pending =
        transactions.consume(cb.loginCookie(), cb.state().orElse(null));
    ProviderMetadata md = provider.metadata();
    if (cb.iss().isPresent() ? !cb.iss().get().equals(md.issuer()) : md.issParameterSupported()) {
      throw new ApiError(
          ErrorCode.LOGIN_ISSUER_MISMATCH,
          "the response came from another issuer than the one the login was sent to");
    }
    String code =
        cb.code()
            .filter(c -> !c.isEmpty() && c.length() <= 4096)
            .orElseThrow(
                () -> new ApiError(ErrorCode.LOGIN_CODE_MISSING, "the callback has no code"));
    String idToken =
        tokens.redeem(md.tokenEndpoint(), code, pending.codeVerifier(), settings.redirectUri());
    IdTokenClaims claims = validator.validate(idToken, md, pending.nonce());
    User user =
        users.upsertOnLogin(
            claims.issuer(), claims.subject(), claims.email(), claims.name(), clock.millis());
    if (user.disabled()) {
      throw new ApiError(ErrorCode.ACCOUNT_DISABLED, "this account is disabled");
    }
    cb.sessionCookie().flatMap(sessions::resolve).ifPresent(sessions::end);
    SessionService.Created created = sessions.create(user, cb.userAgent());
    audit.record(user.id(), "login", "session " + created.session().handle());
    return new Finished(created.cookieValue(), pending.returnTo(), pending.browserHasMorePending());
  }

  /**
   * Ends the session and returns the provider's RP-initiated logout URL (OIDC RP-Initiated Logout
   * 1.0 §2), when the provider has an end_session_endpoint and can be reached. The URL goes to the
   * browser, so it names the client ({@code client_id}) instead of carrying the ID token as {@code
   * id_token_hint}; the provider may then ask the user to confirm.
   */
  public Optional<URI> logout(ActiveSession session) {
    sessions.end(session);
    audit.record(session.user().id(), "logout", "session " + session.handle());
    Optional<URI> endSession;
    try {
      endSession = provider.metadata().endSessionEndpoint();
    } catch (ApiError e) {
      return Optional.empty();
    }
    return endSession.map(
        uri -> {
          Map<String, String> q = new LinkedHashMap<>();
          if (!settings.postLogoutRedirectUri().isBlank()) {
            q.put("post_logout_redirect_uri", settings.postLogoutRedirectUri());
          }
          q.put("client_id", settings.client().clientId());
          q.put("state", RandomTokens.base64Url(16));
          return withQuery(uri, q);
        });
  }

  private static String safeError(String error) {
    return error.matches("[a-z_]{1,64}") ? error : "unknown_error";
  }

  static URI withQuery(URI base, Map<String, String> params) {
    String query =
        params.entrySet().stream()
            .map(
                e ->
                    URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                        + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    String s = base.toString();
    return URI.create(s + (base.getRawQuery() == null ? "?" : "&") + query);
  }
}
