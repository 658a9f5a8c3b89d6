package io.visiona.api.session;

import io.visiona.api.crypto.Hashes;
import io.visiona.api.crypto.RandomTokens;
import io.visiona.api.crypto.SignedCookies;
import io.visiona.api.persistence.SessionRecord;
import io.visiona.api.persistence.SessionRepository;
import io.visiona.api.persistence.User;
import io.visiona.api.persistence.UserRepository;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Server-side sessions: created at login with a fresh 256-bit id, referenced by a signed cookie,
 * ended by logout, revocation or the idle and absolute timeouts (enforced here, on the server).
 * Only the SHA-256 of the id is stored.
 */
public final class SessionService {

  /** Base name of the session cookie ({@code __Host-} is added unless in development mode). */
  public static final String COOKIE = "visiona-session";

  private static final Duration TOUCH_INTERVAL = Duration.ofMinutes(1);

  private final SessionRepository sessions;
  private final UserRepository users;
  private final SessionSettings settings;
  private final SignedCookies signer;
  private final String cookieName;
  private final Clock clock;

  public SessionService(
      SessionRepository sessions,
      UserRepository users,
      SessionSettings settings,
      String cookieName,
      Clock clock) {
    this.sessions = sessions;
    this.users = users;
    this.settings = settings;
    this.signer = new SignedCookies(settings.keys(), clock);
    this.cookieName = cookieName;
    this.clock = clock;
  }

  public String cookieName() {
    return cookieName;
  }

  /** A new session and the value of its cookie. */
  public record Created(ActiveSession session, String cookieValue) {}

  /**
   * Creates a session for {@code user}. The oldest sessions beyond {@code max-per-user} end, and so
   * do all expired ones. No provider token is kept: logout names the client, not the token.
   */
  public Created create(User user, String userAgent) {
    long now = clock.millis();
    sessions.deleteExpired(now, now - settings.idleTimeout().toMillis());
    String id = RandomTokens.base64Url(32);
    String idHash = Hashes.sha256Hex(id);
    String handle = RandomTokens.base64Url(12);
    long expiresAt = now + settings.absoluteTimeout().toMillis();
    sessions.insert(
        new SessionRecord(
            idHash, handle, user.id(), now, now, expiresAt, truncate(userAgent, 256)));
    sessions.trimForUser(user.id(), settings.maxPerUser());
    ActiveSession session = new ActiveSession(id, idHash, handle, user, now, expiresAt);
    return new Created(session, signer.sign(cookieName, id, clock.instant()));
  }

  /**
   * The session a cookie value names, if the signature is valid, the session exists, has not
   * expired (idle or absolute) and its user is not disabled. Marks it used.
   */
  public Optional<ActiveSession> resolve(String cookieValue) {
    Optional<SignedCookies.Verified> verified = signer.verify(cookieName, cookieValue);
    if (verified.isEmpty()) {
      return Optional.empty();
    }
    String id = verified.get().value();
    String idHash = Hashes.sha256Hex(id);
    Optional<SessionRecord> found = sessions.find(idHash);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    SessionRecord r = found.get();
    long now = clock.millis();
    if (now >= r.expiresAt() || now - r.lastSeenAt() >= settings.idleTimeout().toMillis()) {
      sessions.delete(idHash);
      return Optional.empty();
    }
    Optional<User> user = users.find(r.userId());
    if (user.isEmpty() || user.get().disabled()) {
      sessions.delete(idHash);
      return Optional.empty();
    }
    if (now - r.lastSeenAt() >= TOUCH_INTERVAL.toMillis()) {
      sessions.touch(idHash, now);
    }
    return Optional.of(
        new ActiveSession(id, idHash, r.handle(), user.get(), r.createdAt(), r.expiresAt()));
  }

  /** Ends the session (logout, or rotation at a new login). */
  public void end(ActiveSession session) {
    sessions.delete(session.idHash());
  }

  /** What a user sees of one of their sessions. */
  public record View(
      String id, long createdAt, long lastSeenAt, long expiresAt, String userAgent) {}

  public List<View> list(long userId) {
    return sessions.listForUser(userId).stream()
        .map(r -> new View(r.handle(), r.createdAt(), r.lastSeenAt(), r.expiresAt(), r.userAgent()))
        .toList();
  }

  /** Ends the user's session named {@code handle}; false if the user has no such session. */
  public boolean revoke(long userId, String handle) {
    return sessions.deleteByHandle(userId, handle);
  }

  /** Ends every session of the user (e.g. when the account is disabled). */
  public int revokeAll(long userId) {
    return sessions.deleteAllForUser(userId);
  }

  private static String truncate(String s, int max) {
    return s == null || s.length() <= max ? s : s.substring(0, max);
  }
}
