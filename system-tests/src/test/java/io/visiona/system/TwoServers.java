package io.visiona.system;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.webserver.WebServer;
import io.visiona.api.ApiApplication;
import io.visiona.api.ApiServer;
import io.visiona.api.ApiSettings;
import io.visiona.api.persistence.User;
import io.visiona.proxy.ProxyServer;
import io.visiona.proxy.ProxySettings;
import io.visiona.server.Lifecycle;
import io.visiona.server.signing.SigningSettings;
import io.visiona.tunnel.agent.AgentConfig;
import io.visiona.tunnel.agent.AgentState;
import io.visiona.tunnel.agent.EdgeAgent;
import io.visiona.tunnel.pairing.DeviceIdentity;
import io.visiona.tunnel.pairing.PairingClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.awaitility.Awaitility;

/**
 * A remote-proxy and an api-server on loopback ports, configured for each other as in production:
 * one key ring per direction, the proxy verifying agents through the api-server, the api-server
 * closing tunnels through the proxy.
 */
final class TwoServers implements AutoCloseable {

  static final String ISSUER = "http://127.0.0.1:1/unreachable";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  final ProxyServer proxy;
  final ApiApplication app;
  final WebServer api;

  private TwoServers(ProxyServer proxy, ApiApplication app, WebServer api) {
    this.proxy = proxy;
    this.app = app;
    this.api = api;
  }

  static TwoServers start(Path dataDir) {
    return start(dataDir, Map.of());
  }

  /** With {@code apiOverrides} (keys below {@code api.}) on top of the test settings. */
  static TwoServers start(Path dataDir, Map<String, String> apiOverrides) {
    String apiToProxy = "a1:" + key(1);
    String proxyToApi = "p1:" + key(2);
    int apiInternal = freePort();
    int proxyInternal = freePort();

    Map<String, String> p = new HashMap<>();
    p.put("proxy.tunnel.host", "127.0.0.1");
    p.put("proxy.tunnel.port", "0");
    p.put("proxy.internal.host", "127.0.0.1");
    p.put("proxy.internal.port", Integer.toString(proxyInternal));
    // The proxy registers itself with this URL in its heartbeats (ADR 0028): the api-server finds
    // it there, with no proxy address in the api-server's settings.
    p.put("proxy.replica.id", "proxy-1");
    p.put("proxy.replica.internal-url", "http://127.0.0.1:" + proxyInternal);
    p.put("proxy.presence.report-interval", "PT0.1S");
    p.put("proxy.presence.heartbeat-interval", "PT1S");
    p.put("proxy.presence.max-backoff", "PT0.5S");
    p.put("proxy.drain.grace-period", "PT1S");
    p.put("proxy.auth.api-server-url", "http://127.0.0.1:" + apiInternal);
    p.put("proxy.signing.keys.api-to-proxy", apiToProxy);
    p.put("proxy.signing.keys.proxy-to-api", proxyToApi);
    Config proxyConfig = Config.just(ConfigSources.create(p));
    ProxyServer proxy =
        ProxyServer.production(
                ProxySettings.from(proxyConfig.get("proxy")),
                Optional.of(
                    SigningSettings.from(proxyConfig.get("proxy.signing"), Clock.systemUTC())),
                new Lifecycle())
            .start();

    Map<String, String> a = new HashMap<>();
    a.put("http.host", "127.0.0.1");
    a.put("http.port", "0");
    a.put("internal.host", "127.0.0.1");
    a.put("internal.port", Integer.toString(apiInternal));
    a.put("database.data-dir", dataDir.toString());
    a.put("session.cookie-keys", "k1:" + key(3));
    a.put("oidc.issuer", ISSUER);
    a.put("oidc.client-id", "spa");
    a.put("signing.keys.api-to-proxy", apiToProxy);
    a.put("signing.keys.proxy-to-api", proxyToApi);
    a.put("pairing.interval", "PT1S");
    a.put("presence.refresh-interval", "PT0.2S");
    a.put("pairing.tunnel-url", "ws://127.0.0.1:" + proxy.tunnelPort() + "/v1/tunnel");
    a.putAll(apiOverrides);
    ApiSettings settings = ApiSettings.from(Config.just(ConfigSources.create(a)));
    ApiApplication app = ApiApplication.create(settings, Clock.systemUTC());
    WebServer api = ApiServer.create(settings, new Lifecycle(), app).start();
    return new TwoServers(proxy, app, api);
  }

  URI apiBase() {
    return URI.create("http://127.0.0.1:" + api.port());
  }

  /** A logged-in person: the session cookie the browser would hold. */
  Person person(String subject) {
    User u = app.users().upsertOnLogin(ISSUER, subject, null, subject, 0);
    String cookie =
        app.sessions().cookieName() + "=" + app.sessions().create(u, null).cookieValue();
    return new Person(apiBase(), cookie);
  }

  /** What the SPA sends for a person. */
  record Person(URI api, String cookie) {
    HttpResponse<String> get(String path) {
      return send(HttpRequest.newBuilder(api.resolve(path)).header("Cookie", cookie).GET());
    }

    HttpResponse<String> call(String method, String path, String json) {
      return send(
          HttpRequest.newBuilder(api.resolve(path))
              .header("Cookie", cookie)
              .header("X-CSRF", "1")
              .header("Origin", api.getScheme() + "://" + api.getRawAuthority())
              .header("Content-Type", "application/json")
              .method(
                  method,
                  json == null
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofString(json)));
    }
  }

  /**
   * A box paired by {@code owner} and connected with the Java {@link EdgeAgent}, which splices each
   * stream to 127.0.0.1:{@code targetPort}; the relay link is up too. Closing stops the agent.
   */
  Box pairedJavaBox(Person owner, String name, int targetPort) throws Exception {
    DeviceIdentity id =
        new PairingClient(apiBase())
            .pair(
                new PairingClient.BoxDescription(name, null, null, null),
                p -> owner.call("POST", "/api/pairings/" + p.userCode() + "/approve", null));
    EdgeAgent agent =
        new EdgeAgent(
            AgentConfig.builder()
                .proxyUri(id.tunnelUrl())
                .credential(id.credential())
                .target("127.0.0.1", targetPort)
                .build());
    agent.start();
    Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(20))
        .until(() -> agent.state() == AgentState.CONNECTED);
    Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(20))
        .until(app.devices().relay()::connected);
    return new Box(id, agent);
  }

  /** A paired, connected box. */
  record Box(DeviceIdentity identity, EdgeAgent agent) implements AutoCloseable {
    String deviceId() {
      return identity.deviceId();
    }

    @Override
    public void close() {
      agent.close();
    }
  }

  static HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A 32-byte key of one repeated byte, Base64: test keys that are easy to tell apart. */
  static String key(int fill) {
    byte[] k = new byte[32];
    Arrays.fill(k, (byte) fill);
    return Base64.getEncoder().encodeToString(k);
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    proxy.stop();
    api.stop();
    app.close();
  }
}
