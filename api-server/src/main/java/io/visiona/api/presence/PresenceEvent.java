package io.visiona.api.presence;

/**
 * One tunnel event reported by a remote-proxy replica: a tunnel of {@code device} with the
 * replica's {@code connection} id began ({@code CONNECT}, {@code at} = its connected-at) or ended.
 */
public record PresenceEvent(Type type, String device, String connection, long at) {

  /** What happened to the tunnel. */
  public enum Type {
    CONNECT,
    DISCONNECT
  }
}
