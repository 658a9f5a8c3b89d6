package io.visiona.proxy.tunnel;

import io.visiona.proxy.auth.AgentIdentity;
import io.visiona.proxy.ws.YamuxWebSocket;
import io.visiona.tunnel.GoAwayException;
import io.visiona.tunnel.Session;
import io.visiona.tunnel.SessionClosedException;
import io.visiona.tunnel.SessionStats;
import io.visiona.tunnel.Stream;
import io.visiona.tunnel.StreamLimitException;
import java.io.IOException;
import java.time.Instant;

/**
 * One connected agent: who it is, which connection (id unique within this process), where from,
 * since when, and its yamux session.
 */
public final class AgentTunnel {

  private final AgentIdentity identity;
  private final YamuxWebSocket connection;
  private final String connectionId;
  private final Instant connectedAt;
  private final String remoteAddress;

  public AgentTunnel(
      AgentIdentity identity,
      YamuxWebSocket connection,
      String connectionId,
      Instant connectedAt,
      String remoteAddress) {
    this.identity = identity;
    this.connection = connection;
    this.connectionId = connectionId;
    this.connectedAt = connectedAt;
    this.remoteAddress = remoteAddress;
  }

  public String deviceId() {
    return identity.deviceId();
  }

  /** This connection's id ({@code c-<serial>}), unique within this process. */
  public String connectionId() {
    return connectionId;
  }

  public AgentIdentity identity() {
    return identity;
  }

  public Instant connectedAt() {
    return connectedAt;
  }

  public String remoteAddress() {
    return remoteAddress;
  }

  /** When a frame or ping last arrived from the agent. */
  public Instant lastHeartbeat() {
    return Instant.ofEpochMilli(connection.lastInboundMillis());
  }

  public Session session() {
    return connection.session();
  }

  public SessionStats stats() {
    return connection.session().stats();
  }

  /** Opens a stream to the agent. */
  public Stream openStream() throws TunnelException {
    Session session = connection.session();
    if (session.isClosed()) {
      throw new TunnelException(TunnelException.DISCONNECTED, "device tunnel is closing", null);
    }
    try {
      return session.openStream();
    } catch (GoAwayException e) {
      throw new TunnelException(TunnelException.DISCONNECTED, "agent is going away", e);
    } catch (SessionClosedException e) {
      throw new TunnelException(TunnelException.DISCONNECTED, "device tunnel closed", e);
    } catch (StreamLimitException e) {
      throw switch (e.limit()) {
        case MAX_STREAMS ->
            new TunnelException(
                TunnelException.TOO_MANY_STREAMS, "device has too many open streams", e);
        case MEMORY_BUDGET ->
            new TunnelException(
                TunnelException.MEMORY_BUDGET, "device tunnel memory budget exhausted", e);
        case STREAM_IDS ->
            new TunnelException(TunnelException.OPEN_FAILED, "device tunnel used up its ids", e);
      };
    } catch (IOException e) {
      throw new TunnelException(
          TunnelException.OPEN_FAILED, "stream open failed: " + e.getMessage(), e);
    }
  }

  /** Tells the agent to open nothing new (drain); existing streams go on. */
  public void goAway() {
    try {
      connection.session().goAway();
    } catch (IOException e) {
      // already closing
    }
  }

  /** GoAway, then closes the tunnel. */
  public void close() {
    goAway();
    connection.close();
  }

  /**
   * Shutdown: closes the tunnel with WebSocket close code 1001 (going away). The drain sent GoAway
   * already; a second one could wait for room in the queue of a peer that does not read.
   */
  public void closeGoingAway() {
    connection.closeGoingAway();
  }

  @Override
  public String toString() {
    return "AgentTunnel["
        + identity.deviceId()
        + " "
        + connectionId
        + " from "
        + remoteAddress
        + "]";
  }
}
