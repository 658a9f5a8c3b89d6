package io.visiona.proxy;

import io.helidon.webserver.WebServer;
import io.visiona.server.Lifecycle;
import io.visiona.server.Observability;
import java.util.List;

/** Builds remote-proxy's web server: the public tunnel listener and the private internal one. */
public final class ProxyServer {

  static final String INTERNAL_SOCKET = "internal";

  private ProxyServer() {}

  public static WebServer create(ProxySettings settings, Lifecycle lifecycle) {
    return WebServer.builder()
        .host(settings.tunnelHost())
        .port(settings.tunnelPort())
        .shutdownHook(false)
        .putSocket(
            INTERNAL_SOCKET, l -> l.host(settings.internalHost()).port(settings.internalPort()))
        .addFeature(Observability.feature(List.of(INTERNAL_SOCKET), List.of(lifecycle.readiness())))
        .build();
  }
}
