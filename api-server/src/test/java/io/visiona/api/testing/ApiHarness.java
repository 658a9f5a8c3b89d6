package io.visiona.api.testing;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.webserver.WebServer;
import io.visiona.api.ApiApplication;
import io.visiona.api.ApiServer;
import io.visiona.api.ApiSettings;
import io.visiona.server.Lifecycle;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** A running api-server (real sockets, H2 file database) with test settings and clock. */
public final class ApiHarness implements AutoCloseable {

  public static final String KEYS =
      "k1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=,k0:ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=";

  private final ApiApplication app;
  private final WebServer server;
  private final URI base;

  private ApiHarness(ApiApplication app, WebServer server, URI base) {
    this.app = app;
    this.server = server;
    this.base = base;
  }

  /** Settings: test defaults, then {@code overrides} (keys below {@code api.}). */
  public static ApiHarness start(
      Path dataDir, java.time.Clock clock, Map<String, String> overrides) {
    int port = freePort();
    Map<String, String> cfg = new HashMap<>();
    cfg.put("http.host", "127.0.0.1");
    cfg.put("http.port", Integer.toString(port));
    cfg.put("internal.host", "127.0.0.1");
    cfg.put("internal.port", "0");
    cfg.put("database.data-dir", dataDir.toString());
    cfg.put("session.cookie-keys", KEYS);
    cfg.put("oidc.redirect-uri", "http://127.0.0.1:" + port + "/api/auth/callback");
    cfg.putAll(overrides);
    ApiSettings settings = ApiSettings.from(Config.just(ConfigSources.create(cfg)));
    ApiApplication app = ApiApplication.create(settings, clock);
    try {
      WebServer server = ApiServer.create(settings, new Lifecycle(), app).start();
      return new ApiHarness(app, server, URI.create("http://127.0.0.1:" + server.port() + "/"));
    } catch (RuntimeException e) {
      app.close();
      throw e;
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public ApiApplication app() {
    return app;
  }

  public URI base() {
    return base;
  }

  /** The internal listener (remote-proxy's side). */
  public URI internalBase() {
    return URI.create("http://127.0.0.1:" + server.port("internal") + "/");
  }

  public int internalPort() {
    return server.port("internal");
  }

  public TestBrowser browser() {
    return new TestBrowser(base);
  }

  @Override
  public void close() {
    server.stop();
    app.close();
  }
}
