package io.visiona.api.persistence;

/**
 * A stored session. {@code idHash} is the SHA-256 of the session id (the id itself is never
 * stored); {@code handle} is a separate random name the user may see and revoke by. No provider
 * token is stored.
 */
public record SessionRecord(
    String idHash,
    String handle,
    long userId,
    long createdAt,
    long lastSeenAt,
    long expiresAt,
    String userAgent) {}
