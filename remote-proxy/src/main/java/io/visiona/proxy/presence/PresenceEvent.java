package io.visiona.proxy.presence;

import io.visiona.proxy.tunnel.AgentTunnel;
import jakarta.json.Json;
import jakarta.json.JsonObject;

/**
 * A tunnel that started ({@code connect}) or ended ({@code disconnect}) on this replica, as sent in
 * {@code POST /internal/presence/events}; {@code at} is epoch milliseconds of this proxy's clock.
 */
public record PresenceEvent(String type, String device, String connection, long at) {

  public static final String CONNECT = "connect";
  public static final String DISCONNECT = "disconnect";

  /** The tunnel's connect, at the time it was accepted. */
  public static PresenceEvent connect(AgentTunnel t) {
    return new PresenceEvent(
        CONNECT, t.deviceId(), t.connectionId(), t.connectedAt().toEpochMilli());
  }

  public static PresenceEvent disconnect(AgentTunnel t, long at) {
    return new PresenceEvent(DISCONNECT, t.deviceId(), t.connectionId(), at);
  }

  JsonObject toJson() {
    return Json.createObjectBuilder()
        .add("type", type)
        .add("device", device)
        .add("connection", connection)
        .add("at", at)
        .build();
  }
}
