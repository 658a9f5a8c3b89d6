package io.visiona.api.session;

import io.visiona.api.persistence.User;

/**
 * A valid session of a request: the user and the session's record. It holds the raw session id;
 * {@link #toString} never shows it.
 */
public final class ActiveSession {

  private final String sessionId;
  private final String idHash;
  private final String handle;
  private final User user;
  private final long createdAt;
  private final long expiresAt;

  ActiveSession(
      String sessionId, String idHash, String handle, User user, long createdAt, long expiresAt) {
    this.sessionId = sessionId;
    this.idHash = idHash;
    this.handle = handle;
    this.user = user;
    this.createdAt = createdAt;
    this.expiresAt = expiresAt;
  }

  String sessionId() {
    return sessionId;
  }

  String idHash() {
    return idHash;
  }

  /** The public name of this session (what the user lists and revokes by). */
  public String handle() {
    return handle;
  }

  public User user() {
    return user;
  }

  public long createdAt() {
    return createdAt;
  }

  public long expiresAt() {
    return expiresAt;
  }

  @Override
  public String toString() {
    return "ActiveSession[handle=" + handle + ", user=" + user.id() + "]";
  }
}
