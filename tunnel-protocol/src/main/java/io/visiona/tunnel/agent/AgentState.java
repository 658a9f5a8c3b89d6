package io.visiona.tunnel.agent;

/** What an {@link EdgeAgent} is doing. */
public enum AgentState {
  /** Created, {@link EdgeAgent#start()} not called yet. */
  NEW,
  /** Opening the WebSocket tunnel to the proxy. */
  CONNECTING,
  /** The tunnel is up and streams are being served. */
  CONNECTED,
  /** Waiting before the next connection attempt. */
  BACKING_OFF,
  /** {@link EdgeAgent#close()} ended everything; final. */
  CLOSED
}
