package io.visiona.api.pairing;

/** A pairing as stored. {@code userCode} is in stored form (no dash). */
public record Pairing(
    String id,
    String userCode,
    State state,
    String name,
    String model,
    String serial,
    String agentVersion,
    String clientAddress,
    long createdAt,
    long expiresAt,
    long intervalMs,
    Long lastPollAt,
    Long viewedBy,
    Long decidedBy,
    String deviceName,
    String deviceId) {

  /** pending → approved → consumed, or pending → denied; expiry ends pending and approved. */
  public enum State {
    PENDING,
    APPROVED,
    DENIED,
    CONSUMED
  }

  public boolean expiredAt(long now) {
    return now >= expiresAt;
  }
}
