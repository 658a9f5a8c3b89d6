package io.visiona.proxy.auth;

import java.util.Objects;

/** Who an authenticated agent is, as the api-server reports it. */
public record AgentIdentity(String deviceId, String ownerId) {
  public AgentIdentity {
    Objects.requireNonNull(deviceId, "deviceId");
    Objects.requireNonNull(ownerId, "ownerId");
  }
}
