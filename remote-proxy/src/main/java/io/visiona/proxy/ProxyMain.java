package io.visiona.proxy;

import io.helidon.config.Config;
import io.helidon.logging.common.LogConfig;
import io.helidon.webserver.WebServer;
import io.visiona.server.ConfigLoader;
import io.visiona.server.Lifecycle;
import java.util.logging.Logger;

/** Starts remote-proxy: {@code java -jar remote-proxy.jar [--config etc/remote-proxy.yaml]}. */
public final class ProxyMain {

  private static final Logger LOG = Logger.getLogger(ProxyMain.class.getName());

  private ProxyMain() {}

  public static void main(String[] args) {
    LogConfig.configureRuntime();
    Config config =
        ConfigLoader.load(
            ConfigLoader.configFile("remote-proxy", args, System.getenv()), System.getenv());
    ProxySettings settings = ProxySettings.from(config.get("proxy"));
    Lifecycle lifecycle = new Lifecycle();
    WebServer server = ProxyServer.create(settings, lifecycle).start();
    lifecycle.onShutdown(server, settings.drainGrace(), () -> {}, () -> true);
    LOG.info(
        "remote-proxy up: tunnels on "
            + server.port()
            + ", internal on "
            + server.port(ProxyServer.INTERNAL_SOCKET));
  }
}
