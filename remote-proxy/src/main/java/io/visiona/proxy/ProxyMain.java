package io.visiona.proxy;

import io.helidon.config.Config;
import io.helidon.logging.common.LogConfig;
import io.visiona.server.ConfigLoader;
import io.visiona.server.Lifecycle;
import io.visiona.server.ListeningLog;
import io.visiona.server.listener.ConnectionErrorLog;
import io.visiona.server.listener.OpenFileLimit;
import io.visiona.server.logging.ShutdownLogging;
import io.visiona.server.signing.SigningSettings;
import java.time.Clock;
import java.util.List;
import java.util.logging.Logger;

/** Starts remote-proxy: {@code java -jar remote-proxy.jar [--config etc/remote-proxy.yaml]}. */
public final class ProxyMain {

  static {
    // Before anything touches java.util.logging, the Logger below included.
    ShutdownLogging.install();
  }

  private static final Logger LOG = Logger.getLogger(ProxyMain.class.getName());

  private ProxyMain() {}

  public static void main(String[] args) {
    LogConfig.configureRuntime();
    ShutdownLogging.warnIfInactive();
    ConnectionErrorLog.install();
    Config config =
        ConfigLoader.load(
            ConfigLoader.configFile("remote-proxy", args, System.getenv()), System.getenv());
    ProxySettings settings = ProxySettings.from(config.get("proxy"));
    OpenFileLimit.logAtStart(List.of(settings.tunnelListener(), settings.internalListener()));
    Lifecycle lifecycle = new Lifecycle();
    ProxyServer proxy =
        ProxyServer.production(
                settings,
                SigningSettings.fromIfConfigured(config.get("proxy.signing"), Clock.systemUTC()),
                lifecycle)
            .start();
    // SIGTERM: readiness down, GoAway to every agent, open streams get the grace period, then the
    // listeners stop and the remaining tunnels are closed.
    Lifecycle.atExit(settings.drainGrace(), () -> proxy.drainAndStop(settings.drainGrace()));
    ListeningLog.bound("tunnel", proxy.tunnelPort());
    ListeningLog.bound("internal", proxy.internalPort());
    LOG.info(
        "remote-proxy up: tunnels on "
            + proxy.tunnelPort()
            + ", internal on "
            + proxy.internalPort());
  }
}
