package io.visiona.proxy;

import io.helidon.config.Config;
import io.visiona.proxy.auth.AuthSettings;
import io.visiona.proxy.forward.ForwardSettings;
import io.visiona.proxy.link.LinkSettings;
import io.visiona.proxy.presence.PresenceSettings;
import io.visiona.proxy.presence.ReplicaSettings;
import io.visiona.proxy.tunnel.TunnelSettings;
import io.visiona.server.listener.ListenerSettings;
import java.time.Duration;

/**
 * Typed view of {@code proxy.*} in {@code etc/remote-proxy.yaml}; every key is documented there.
 */
public record ProxySettings(
    String tunnelHost,
    int tunnelPort,
    String internalHost,
    int internalPort,
    Duration drainGrace,
    TunnelSettings tunnel,
    LinkSettings link,
    ForwardSettings forward,
    AuthSettings auth,
    ListenerSettings tunnelListener,
    ListenerSettings internalListener,
    ReplicaSettings replica,
    PresenceSettings presence) {

  /** Connections the tunnel listener takes beyond max-agents by default (upgrades, refusals). */
  public static final int TUNNEL_CONNECTION_HEADROOM = 1000;

  public ProxySettings {
    if (tunnelListener.maxTcpConnections() <= tunnel.maxAgents()) {
      throw new IllegalArgumentException(
          "proxy.tunnel.max-tcp-connections ("
              + tunnelListener.maxTcpConnections()
              + ") must be above proxy.tunnel.max-agents ("
              + tunnel.maxAgents()
              + "), with room for upgrades in progress and refused clients");
    }
  }

  /** Listeners and drain only; everything else at its default. */
  public ProxySettings(
      String tunnelHost,
      int tunnelPort,
      String internalHost,
      int internalPort,
      Duration drainGrace) {
    this(
        tunnelHost,
        tunnelPort,
        internalHost,
        internalPort,
        drainGrace,
        TunnelSettings.defaults(),
        LinkSettings.defaults(),
        ForwardSettings.defaults(),
        AuthSettings.defaults(),
        tunnelListenerDefaults(TunnelSettings.defaults()),
        internalListenerDefaults(),
        ReplicaSettings.defaults(),
        PresenceSettings.defaults());
  }

  static ListenerSettings tunnelListenerDefaults(TunnelSettings tunnel) {
    return ListenerSettings.publicDefaults(tunnel.maxAgents() + TUNNEL_CONNECTION_HEADROOM);
  }

  static ListenerSettings internalListenerDefaults() {
    return ListenerSettings.internalDefaults(1024);
  }

  public static ProxySettings from(Config proxy) {
    TunnelSettings tunnel = TunnelSettings.from(proxy.get("tunnel"));
    return new ProxySettings(
        proxy.get("tunnel.host").asString().orElse("0.0.0.0"),
        proxy.get("tunnel.port").asInt().orElse(3800),
        proxy.get("internal.host").asString().orElse("127.0.0.1"),
        proxy.get("internal.port").asInt().orElse(3801),
        proxy.get("drain.grace-period").as(Duration.class).orElse(Duration.ofSeconds(30)),
        tunnel,
        LinkSettings.from(proxy.get("link")),
        ForwardSettings.from(proxy.get("forward")),
        AuthSettings.from(proxy.get("auth")),
        ListenerSettings.from(proxy.get("tunnel"), tunnelListenerDefaults(tunnel)),
        ListenerSettings.from(proxy.get("internal"), internalListenerDefaults()),
        ReplicaSettings.from(proxy.get("replica")),
        PresenceSettings.from(proxy.get("presence")));
  }

  /** For tests: every listener on an ephemeral loopback port. */
  public static ProxySettings loopback() {
    return new ProxySettings("127.0.0.1", 0, "127.0.0.1", 0, Duration.ofSeconds(1));
  }

  /** With {@code t}; a tunnel listener too small for its max-agents grows with it. */
  public ProxySettings withTunnel(TunnelSettings t) {
    ListenerSettings l =
        tunnelListener.maxTcpConnections() > t.maxAgents()
            ? tunnelListener
            : tunnelListener.withMaxTcpConnections(t.maxAgents() + TUNNEL_CONNECTION_HEADROOM);
    return new ProxySettings(
        tunnelHost,
        tunnelPort,
        internalHost,
        internalPort,
        drainGrace,
        t,
        link,
        forward,
        auth,
        l,
        internalListener,
        replica,
        presence);
  }

  public ProxySettings withLink(LinkSettings l) {
    return new ProxySettings(
        tunnelHost,
        tunnelPort,
        internalHost,
        internalPort,
        drainGrace,
        tunnel,
        l,
        forward,
        auth,
        tunnelListener,
        internalListener,
        replica,
        presence);
  }

  public ProxySettings withForward(ForwardSettings f) {
    return new ProxySettings(
        tunnelHost,
        tunnelPort,
        internalHost,
        internalPort,
        drainGrace,
        tunnel,
        link,
        f,
        auth,
        tunnelListener,
        internalListener,
        replica,
        presence);
  }

  public ProxySettings withAuth(AuthSettings a) {
    return new ProxySettings(
        tunnelHost,
        tunnelPort,
        internalHost,
        internalPort,
        drainGrace,
        tunnel,
        link,
        forward,
        a,
        tunnelListener,
        internalListener,
        replica,
        presence);
  }

  public ProxySettings withDrainGrace(Duration d) {
    return new ProxySettings(
        tunnelHost,
        tunnelPort,
        internalHost,
        internalPort,
        d,
        tunnel,
        link,
        forward,
        auth,
        tunnelListener,
        internalListener,
        replica,
        presence);
  }

  public ProxySettings withTunnelListener(ListenerSettings l) {
    return new ProxySettings(
        tunnelHost,
        tunnelPort,
        internalHost,
        internalPort,
        drainGrace,
        tunnel,
        link,
        forward,
        auth,
        l,
        internalListener,
        replica,
        presence);
  }

  public ProxySettings withInternalListener(ListenerSettings l) {
    return new ProxySettings(
        tunnelHost,
        tunnelPort,
        internalHost,
        internalPort,
        drainGrace,
        tunnel,
        link,
        forward,
        auth,
        tunnelListener,
        l,
        replica,
        presence);
  }

  public ProxySettings withReplica(ReplicaSettings r) {
    return new ProxySettings(
        tunnelHost,
        tunnelPort,
        internalHost,
        internalPort,
        drainGrace,
        tunnel,
        link,
        forward,
        auth,
        tunnelListener,
        internalListener,
        r,
        presence);
  }

  public ProxySettings withPresence(PresenceSettings p) {
    return new ProxySettings(
        tunnelHost,
        tunnelPort,
        internalHost,
        internalPort,
        drainGrace,
        tunnel,
        link,
        forward,
        auth,
        tunnelListener,
        internalListener,
        replica,
        p);
  }
}
