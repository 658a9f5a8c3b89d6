package io.visiona.api.auth;

/** What a validated ID token says about the user. */
public record IdTokenClaims(String issuer, String subject, String email, String name) {}
