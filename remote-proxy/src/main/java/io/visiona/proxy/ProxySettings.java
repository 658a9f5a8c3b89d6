package io.visiona.proxy;

import io.helidon.config.Config;
import io.visiona.proxy.auth.AuthSettings;
import io.visiona.proxy.forward.ForwardSettings;
import io.visiona.proxy.link.LinkSettings;
import io.visiona.proxy.tunnel.TunnelSettings;
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
    AuthSettings auth) {

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
        AuthSettings.defaults());
  }

  public static ProxySettings from(Config proxy) {
    return new ProxySettings(
        proxy.get("tunnel.host").asString().orElse("0.0.0.0"),
        proxy.get("tunnel.port").asInt().orElse(3800),
        proxy.get("internal.host").asString().orElse("127.0.0.1"),
        proxy.get("internal.port").asInt().orElse(3801),
        proxy.get("drain.grace-period").as(Duration.class).orElse(Duration.ofSeconds(30)),
        TunnelSettings.from(proxy.get("tunnel")),
        LinkSettings.from(proxy.get("link")),
        ForwardSettings.from(proxy.get("forward")),
        AuthSettings.from(proxy.get("auth")));
  }

  /** For tests: every listener on an ephemeral loopback port. */
  public static ProxySettings loopback() {
    return new ProxySettings("127.0.0.1", 0, "127.0.0.1", 0, Duration.ofSeconds(1));
  }

  public ProxySettings withTunnel(TunnelSettings t) {
    return new ProxySettings(
        tunnelHost, tunnelPort, internalHost, internalPort, drainGrace, t, link, forward, auth);
  }

  public ProxySettings withLink(LinkSettings l) {
    return new ProxySettings(
        tunnelHost, tunnelPort, internalHost, internalPort, drainGrace, tunnel, l, forward, auth);
  }

  public ProxySettings withForward(ForwardSettings f) {
    return new ProxySettings(
        tunnelHost, tunnelPort, internalHost, internalPort, drainGrace, tunnel, link, f, auth);
  }

  public ProxySettings withAuth(AuthSettings a) {
    return new ProxySettings(
        tunnelHost, tunnelPort, internalHost, internalPort, drainGrace, tunnel, link, forward, a);
  }

  public ProxySettings withDrainGrace(Duration d) {
    return new ProxySettings(
        tunnelHost, tunnelPort, internalHost, internalPort, d, tunnel, link, forward, auth);
  }
}
