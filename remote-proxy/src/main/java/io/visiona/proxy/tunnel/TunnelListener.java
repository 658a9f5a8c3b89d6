package io.visiona.proxy.tunnel;

/**
 * Told of every tunnel that enters or leaves the {@link TunnelRegistry}, in order: a replaced
 * tunnel's departure comes before its successor's arrival. Called under the registry's lock: must
 * return at once (queue the news, never block).
 */
public interface TunnelListener {

  void connected(AgentTunnel tunnel);

  void disconnected(AgentTunnel tunnel);
}
