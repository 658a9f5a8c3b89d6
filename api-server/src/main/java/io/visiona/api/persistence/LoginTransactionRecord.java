package io.visiona.api.persistence;

/**
 * A pending login: hashes of its {@code state} and of the browser-binding secret, where to go
 * afterwards, and when it was started and expires.
 */
public record LoginTransactionRecord(
    String stateHash, String browserHash, String returnTo, long createdAt, long expiresAt) {}
