package io.visiona.api;

import io.helidon.config.Config;
import io.helidon.logging.common.LogConfig;
import io.helidon.webserver.WebServer;
import io.visiona.server.ConfigLoader;
import io.visiona.server.Lifecycle;
import io.visiona.server.ListeningLog;
import io.visiona.server.listener.ConnectionErrorLog;
import io.visiona.server.listener.OpenFileLimit;
import io.visiona.server.logging.ShutdownLogging;
import java.time.Clock;
import java.util.List;
import java.util.logging.Logger;

/** Starts the api-server: {@code java -jar api-server.jar [--config etc/api-server.yaml]}. */
public final class ApiMain {

  static {
    // Before anything touches java.util.logging, the Logger below included.
    ShutdownLogging.install();
  }

  private static final Logger LOG = Logger.getLogger(ApiMain.class.getName());

  private ApiMain() {}

  public static void main(String[] args) {
    LogConfig.configureRuntime();
    ShutdownLogging.warnIfInactive();
    ConnectionErrorLog.install();
    Config config =
        ConfigLoader.load(
            ConfigLoader.configFile("api-server", args, System.getenv()), System.getenv());
    ApiSettings settings = ApiSettings.from(config.get("api"));
    OpenFileLimit.logAtStart(List.of(settings.httpListener(), settings.internalListener()));
    Lifecycle lifecycle = new Lifecycle();
    ApiApplication app = ApiApplication.create(settings, Clock.systemUTC());
    WebServer server = ApiServer.create(settings, lifecycle, app).start();
    lifecycle.onShutdown(server, settings.drainGrace(), () -> {}, () -> true);
    ListeningLog.bound("http", server.port());
    ListeningLog.bound("internal", server.port(ApiServer.INTERNAL_SOCKET));
    LOG.info(
        "api-server up: http on "
            + server.port()
            + ", internal on "
            + server.port(ApiServer.INTERNAL_SOCKET));
  }
}
