package io.visiona.proxy.tunnel;

import io.helidon.config.Config;
import io.visiona.proxy.ws.YamuxSettings;
import java.time.Duration;

/**
 * Typed view of {@code proxy.tunnel.*} (the public agent listener); every key is documented in
 * {@code etc/remote-proxy.yaml}.
 *
 * @param maxAgents live tunnels at once; further agents get 503
 * @param maxFrameLength largest WebSocket frame accepted from an agent; larger ends the connection
 * @param handshakeTimeout longest credential check during the upgrade; beyond, 503
 * @param idleTimeout a connection that received nothing for this long is closed
 * @param yamux the yamux session settings of each tunnel
 */
public record TunnelSettings(
    int maxAgents,
    int maxFrameLength,
    Duration handshakeTimeout,
    Duration idleTimeout,
    YamuxSettings yamux) {

  public static TunnelSettings defaults() {
    return new TunnelSettings(
        10_000,
        1 << 20,
        Duration.ofSeconds(10),
        Duration.ofMinutes(5),
        YamuxSettings.tunnelDefaults());
  }

  public static TunnelSettings from(Config tunnel) {
    TunnelSettings d = defaults();
    return new TunnelSettings(
        tunnel.get("max-agents").asInt().orElse(d.maxAgents()),
        tunnel.get("max-frame-length").asInt().orElse(d.maxFrameLength()),
        tunnel.get("handshake-timeout").as(Duration.class).orElse(d.handshakeTimeout()),
        tunnel.get("idle-timeout").as(Duration.class).orElse(d.idleTimeout()),
        YamuxSettings.from(tunnel.get("yamux"), d.yamux()));
  }

  public TunnelSettings withMaxAgents(int n) {
    return new TunnelSettings(n, maxFrameLength, handshakeTimeout, idleTimeout, yamux);
  }

  public TunnelSettings withMaxFrameLength(int n) {
    return new TunnelSettings(maxAgents, n, handshakeTimeout, idleTimeout, yamux);
  }

  public TunnelSettings withHandshakeTimeout(Duration d) {
    return new TunnelSettings(maxAgents, maxFrameLength, d, idleTimeout, yamux);
  }

  public TunnelSettings withIdleTimeout(Duration d) {
    return new TunnelSettings(maxAgents, maxFrameLength, handshakeTimeout, d, yamux);
  }

  public TunnelSettings withYamux(YamuxSettings y) {
    return new TunnelSettings(maxAgents, maxFrameLength, handshakeTimeout, idleTimeout, y);
  }
}
