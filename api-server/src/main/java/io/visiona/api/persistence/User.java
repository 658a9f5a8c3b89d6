package io.visiona.api.persistence;

/** A person known by the identity provider's (issuer, subject). */
public record User(
    long id,
    String issuer,
    String subject,
    String email,
    String displayName,
    long createdAt,
    boolean disabled) {}
