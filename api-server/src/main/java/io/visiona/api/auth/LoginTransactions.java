package io.visiona.api.auth;

import io.visiona.api.crypto.Hashes;
import io.visiona.api.crypto.RandomTokens;
import io.visiona.api.crypto.SignedCookies;
import io.visiona.api.persistence.LoginTransactionRecord;
import io.visiona.api.persistence.LoginTransactionRepository;
import io.visiona.server.errors.ApiError;
import io.visiona.server.errors.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Pending logins. Each login gets a random {@code state}; the browser gets a signed cookie with a
 * random binding secret (SameSite=Lax so it survives the provider's redirect back). The PKCE
 * verifier and the nonce are derived from that secret and the state, so the database holds only
 * hashes and no value that could finish a login. Several logins (tabs) per browser may be pending;
 * each is used at most once and expires after {@code ttl}. Limits: {@code maxPerBrowser} (the
 * oldest is dropped) and {@code maxTotal} (new logins are refused with 429).
 */
public final class LoginTransactions {

  /** Base name of the login cookie. */
  public static final String COOKIE = "visiona-login";

  private final LoginTransactionRepository repo;
  private final SignedCookies signer;
  private final String cookieName;
  private final Duration ttl;
  private final int maxPerBrowser;
  private final int maxTotal;
  private final Clock clock;

  public LoginTransactions(
      LoginTransactionRepository repo,
      SignedCookies signer,
      String cookieName,
      OidcSettings settings,
      Clock clock) {
    this.repo = repo;
    this.signer = signer;
    this.cookieName = cookieName;
    this.ttl = settings.loginTtl();
    this.maxPerBrowser = settings.maxPendingPerBrowser();
    this.maxTotal = settings.maxPendingTotal();
    this.clock = clock;
  }

  public String cookieName() {
    return cookieName;
  }

  public Duration ttl() {
    return ttl;
  }

  /** A started login: what goes to the authorization endpoint, and the browser cookie's value. */
  public record Started(String state, String nonce, String codeChallenge, String cookieValue) {}

  /** What the callback needs to finish a login. */
  public record Pending(
      String returnTo, String codeVerifier, String nonce, boolean browserHasMorePending) {}

  public Started start(Optional<String> cookieValue, String returnTo) {
    Instant now = clock.instant();
    repo.deleteExpired(now.toEpochMilli());
    if (repo.countAll() >= maxTotal) {
      throw new ApiError(
          ErrorCode.TOO_MANY_PENDING_LOGINS,
          "too many logins are in progress; try again in a few minutes");
    }
    String secret =
        cookieValue
            .flatMap(v -> signer.verify(cookieName, v))
            .filter(v -> v.issuedAt().plus(ttl).isAfter(now))
            .map(SignedCookies.Verified::value)
            .orElseGet(() -> RandomTokens.base64Url(32));
    String browserHash = Hashes.sha256Hex(secret);
    String state = RandomTokens.base64Url(32);
    repo.insert(
        new LoginTransactionRecord(
            Hashes.sha256Hex(state),
            browserHash,
            returnTo,
            now.toEpochMilli(),
            now.plus(ttl).toEpochMilli()));
    repo.trimForBrowser(browserHash, maxPerBrowser);
    return new Started(
        state,
        derive(secret, "nonce", state),
        Hashes.sha256Base64Url(derive(secret, "pkce", state)),
        signer.sign(cookieName, secret, now));
  }

  /**
   * Consumes the pending login named by {@code state} if this browser started it. Fails with 403
   * when there is no cookie, no such login (wrong, reused or replayed state), another browser's
   * login, or an expired one.
   */
  public Pending consume(Optional<String> cookieValue, String state) {
    String secret =
        cookieValue
            .flatMap(v -> signer.verify(cookieName, v))
            .map(SignedCookies.Verified::value)
            .orElseThrow(() -> stateInvalid("no login was started in this browser"));
    if (state == null || state.isEmpty() || state.length() > 256) {
      throw stateInvalid("the state parameter is missing");
    }
    String browserHash = Hashes.sha256Hex(secret);
    String stateHash = Hashes.sha256Hex(state);
    LoginTransactionRecord t =
        repo.find(stateHash)
            .filter(r -> Hashes.constantTimeEquals(r.browserHash(), browserHash))
            .orElseThrow(() -> stateInvalid("the state does not match a login of this browser"));
    if (!repo.consume(stateHash, browserHash)) {
      throw stateInvalid("this login was already used");
    }
    if (clock.millis() >= t.expiresAt()) {
      throw new ApiError(ErrorCode.LOGIN_EXPIRED, "the login took too long; start again");
    }
    return new Pending(
        t.returnTo(),
        derive(secret, "pkce", state),
        derive(secret, "nonce", state),
        repo.countForBrowser(browserHash) > 0);
  }

  /** Consumes the pending login quietly if it exists (provider error responses). */
  public void discard(Optional<String> cookieValue, String state) {
    if (state == null || state.length() > 256) {
      return;
    }
    cookieValue
        .flatMap(v -> signer.verify(cookieName, v))
        .ifPresent(v -> repo.consume(Hashes.sha256Hex(state), Hashes.sha256Hex(v.value())));
  }

  /** 43 base64url characters: a valid PKCE verifier (RFC 7636 §4.1) and a good nonce. */
  static String derive(String secret, String purpose, String state) {
    return Hashes.hmacSha256Base64Url(
        secret.getBytes(StandardCharsets.US_ASCII), "login " + purpose + "|" + state);
  }

  private static ApiError stateInvalid(String message) {
    return new ApiError(ErrorCode.LOGIN_STATE_INVALID, message);
  }
}
