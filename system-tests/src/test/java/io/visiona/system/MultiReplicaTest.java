package io.visiona.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.webserver.WebServer;
import io.visiona.api.ApiApplication;
import io.visiona.api.ApiServer;
import io.visiona.api.ApiSettings;
import io.visiona.api.persistence.DatabaseSettings;
import io.visiona.api.persistence.TestDatabases;
import io.visiona.api.persistence.User;
import io.visiona.api.presence.PresenceRepository;
import io.visiona.proxy.ProxyServer;
import io.visiona.proxy.ProxySettings;
import io.visiona.server.Lifecycle;
import io.visiona.server.signing.SigningSettings;
import io.visiona.tunnel.Session;
import io.visiona.tunnel.WebSocketTransport;
import io.visiona.tunnel.agent.AgentConfig;
import io.visiona.tunnel.agent.AgentState;
import io.visiona.tunnel.agent.EdgeAgent;
import io.visiona.tunnel.pairing.DeviceIdentity;
import io.visiona.tunnel.pairing.PairingClient;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17: two remote-proxy replicas behind a plain TCP load balancer and two api-servers, all in
 * this JVM, sharing one real PostgreSQL. Java edge agents land on either proxy; every device is
 * reachable through either api-server; a proxy that dies abruptly loses its devices to the other
 * one within the lease; one credential on both proxies at once ends with one tunnel; an api-server
 * restart keeps the sessions.
 */
@Timeout(240)
class MultiReplicaTest {

  private static final String ISSUER = "http://127.0.0.1:1/unreachable";
  private static final Duration LEASE = Duration.ofSeconds(3);
  private static final int BOXES = 6;

  @TempDir Path dir;

  private final String apiToProxy = "a1:" + TwoServers.key(1);
  private final String proxyToApi = "p1:" + TwoServers.key(2);
  private final String cookieKeys = "k1:" + TwoServers.key(3);
  private final int[] apiInternal = {TwoServers.freePort(), TwoServers.freePort()};
  private final int[] proxyInternal = {TwoServers.freePort(), TwoServers.freePort()};
  private final ProxyServer[] proxies = new ProxyServer[2];
  private final int[] tunnelPorts = new int[2];
  private final ApiApplication[] apps = new ApiApplication[2];
  private final WebServer[] apis = new WebServer[2];
  private final List<EdgeAgent> agents = new ArrayList<>();
  private DatabaseSettings database;
  private RoundRobinBalancer balancer;
  private TestBox box;

  @AfterEach
  void stop() throws IOException {
    agents.forEach(EdgeAgent::close);
    if (balancer != null) {
      balancer.close();
    }
    for (int i = 0; i < 2; i++) {
      if (proxies[i] != null) {
        proxies[i].stop();
      }
      stopApi(i);
    }
    if (box != null) {
      box.close();
    }
  }

  @Test
  void devicesFollowTheirAgentsAcrossProxyReplicas() throws Exception {
    database = TestDatabases.settings(TestDatabases.Kind.POSTGRES, dir);
    // The pairing answer names the balancer as the tunnel URL.
    balancer = new RoundRobinBalancer(List.of(() -> tunnelPorts[0], () -> tunnelPorts[1]));
    startApi(0);
    startApi(1);
    proxies[0] = startProxy(0);
    proxies[1] = startProxy(1);
    box = new TestBox();

    // A person with a session made on api-server 0, valid on both (same database, same keys).
    User alice = apps[0].users().upsertOnLogin(ISSUER, "alice", null, "alice", 0);
    String cookie =
        apps[0].sessions().cookieName()
            + "="
            + apps[0].sessions().create(alice, null).cookieValue();

    List<DeviceIdentity> ids = pairAll(cookie, BOXES + 1);
    DeviceIdentity twin = ids.remove(BOXES);
    for (DeviceIdentity id : ids) {
      EdgeAgent agent =
          new EdgeAgent(
              AgentConfig.builder()
                  .proxyUri(id.tunnelUrl())
                  .credential(id.credential())
                  .target("127.0.0.1", box.address().getPort())
                  .backoff(Duration.ofMillis(100), Duration.ofMillis(500))
                  .build());
      agents.add(agent);
      agent.start();
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> agents.stream().allMatch(a -> a.state() == AgentState.CONNECTED));
    // Spread over both replicas by the balancer.
    assertThat(proxies[0].registry().size()).isPositive();
    assertThat(proxies[1].registry().size()).isPositive();
    assertThat(proxies[0].registry().size() + proxies[1].registry().size()).isEqualTo(BOXES);

    // Every device reachable through either api-server, over that api-server's link to the
    // replica that holds the tunnel.
    for (int api = 0; api < 2; api++) {
      int a = api;
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> ids.stream().allMatch(id -> status(a, cookie, id.deviceId()) == 200));
      assertThat(onlineListed(api, cookie)).hasSize(BOXES);
    }

    // Replica 0 dies: listeners and tunnels gone at once, nothing more reported.
    List<String> onDead = proxies[0].registry().list().stream().map(t -> t.deviceId()).toList();
    long killed = System.nanoTime();
    proxies[0].stop();
    proxies[0] = null;
    for (int api = 0; api < 2; api++) {
      int a = api;
      await()
          .atMost(LEASE.plusSeconds(15))
          .until(() -> ids.stream().allMatch(id -> status(a, cookie, id.deviceId()) == 200));
    }
    Duration reachableAgain = Duration.ofNanos(System.nanoTime() - killed);
    System.out.println(
        "MultiReplicaTest: "
            + onDead.size()
            + " devices of the stopped replica reachable again through both api-servers after "
            + reachableAgain.toMillis()
            + " ms (lease "
            + LEASE.toMillis()
            + " ms)");
    assertThat(proxies[1].registry().size()).isEqualTo(BOXES);
    PresenceRepository presence = apps[0].devices().presence().repository();
    for (DeviceIdentity id : ids) {
      assertThat(presence.live(id.deviceId(), System.currentTimeMillis()))
          .get()
          .extracting(PresenceRepository.Live::replicaId)
          .isEqualTo("replica-1");
    }
    // Once replica 0's lease is over, nothing anywhere says a device is there.
    await()
        .atMost(LEASE.plusSeconds(5))
        .until(
            () ->
                presence.replicas().stream()
                    .filter(r -> r.id().equals("replica-0"))
                    .noneMatch(r -> r.liveAt(System.currentTimeMillis())));
    assertThat(onlineListed(0, cookie)).hasSize(BOXES);
    for (DeviceIdentity id : ids) {
      assertThat(presence.live(id.deviceId(), System.currentTimeMillis()).get().replicaId())
          .isEqualTo("replica-1");
    }

    // Replica 0 comes back (a new boot); one credential dials both replicas directly at once:
    // the newer connection wins and the older replica is told to close its tunnel.
    proxies[0] = startProxy(0);
    Session first = dial(proxies[0].tunnelPort(), twin.credential());
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> presence.live(twin.deviceId(), System.currentTimeMillis()).isPresent());
    Session second = dial(proxies[1].tunnelPort(), twin.credential());
    await().atMost(Duration.ofSeconds(10)).until(first::isClosed);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                tunnelsOf(twin.deviceId()) == 1
                    && proxies[1].registry().find(twin.deviceId()).isPresent());
    assertThat(second.isClosed()).isFalse();
    assertThat(presence.live(twin.deviceId(), System.currentTimeMillis()).get().replicaId())
        .isEqualTo("replica-1");
    second.close();

    // An api-server restart on the same database and keys: the session is still valid.
    stopApi(0);
    startApi(0);
    assertThat(get(0, cookie, "/api/auth/me").statusCode()).isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> ids.stream().allMatch(id -> status(0, cookie, id.deviceId()) == 200));
  }

  private int tunnelsOf(String deviceId) {
    int n = 0;
    for (ProxyServer p : proxies) {
      if (p != null && p.registry().find(deviceId).isPresent()) {
        n++;
      }
    }
    return n;
  }

  /** An agent that connects once (no reconnect), straight to one replica's tunnel listener. */
  private static Session dial(int tunnelPort, String credential) throws IOException {
    return Session.client(
        WebSocketTransport.connect(
            WebSocketTransport.newHttpClient(),
            URI.create("ws://127.0.0.1:" + tunnelPort + "/v1/tunnel"),
            Map.of("Authorization", "Bearer " + credential),
            Duration.ofSeconds(10),
            Duration.ofSeconds(10)),
        io.visiona.tunnel.Config.defaults());
  }

  private List<DeviceIdentity> pairAll(String cookie, int n) throws Exception {
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<DeviceIdentity>> pairings = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        String name = "box-" + i;
        int api = i % 2;
        Callable<DeviceIdentity> pairing =
            () ->
                new PairingClient(apiBase(api))
                    .pair(
                        new PairingClient.BoxDescription(name, null, null, null),
                        p ->
                            assertThat(
                                    call(
                                            api,
                                            cookie,
                                            "POST",
                                            "/api/pairings/" + p.userCode() + "/approve")
                                        .statusCode())
                                .isEqualTo(200));
        pairings.add(pool.submit(pairing));
      }
      List<DeviceIdentity> ids = new ArrayList<>();
      for (Future<DeviceIdentity> f : pairings) {
        ids.add(f.get());
      }
      return ids;
    }
  }

  /** The status of a request through device access: 200 once the box answers. */
  private int status(int api, String cookie, String deviceId) {
    return get(api, cookie, "/api/devices/" + deviceId + "/agent/api/status").statusCode();
  }

  private List<String> onlineListed(int api, String cookie) {
    JsonObject list =
        Json.createReader(new StringReader(get(api, cookie, "/api/devices").body())).readObject();
    List<String> online = new ArrayList<>();
    for (JsonValue v : list.getJsonArray("devices")) {
      if (v.asJsonObject().getString("presence").equals("online")) {
        online.add(v.asJsonObject().getString("id"));
      }
    }
    return online;
  }

  private HttpResponse<String> get(int api, String cookie, String path) {
    return TwoServers.send(
        HttpRequest.newBuilder(apiBase(api).resolve(path)).header("Cookie", cookie).GET());
  }

  private HttpResponse<String> call(int api, String cookie, String method, String path) {
    URI base = apiBase(api);
    return TwoServers.send(
        HttpRequest.newBuilder(base.resolve(path))
            .header("Cookie", cookie)
            .header("X-CSRF", "1")
            .header("Origin", "http://" + base.getRawAuthority())
            .method(method, HttpRequest.BodyPublishers.noBody()));
  }

  private URI apiBase(int api) {
    return URI.create("http://127.0.0.1:" + apis[api].port());
  }

  private void startApi(int i) {
    Map<String, String> a = new HashMap<>();
    a.put("http.host", "127.0.0.1");
    a.put("http.port", "0");
    a.put("internal.host", "127.0.0.1");
    a.put("internal.port", Integer.toString(apiInternal[i]));
    a.put("database.url", database.url());
    a.put("database.user", database.user());
    a.put("database.password", database.password());
    a.put("database.data-dir", dir.resolve("api-" + i).toString());
    a.put("session.cookie-keys", cookieKeys);
    a.put("oidc.issuer", ISSUER);
    a.put("oidc.client-id", "spa");
    a.put("signing.keys.api-to-proxy", apiToProxy);
    a.put("signing.keys.proxy-to-api", proxyToApi);
    a.put("pairing.interval", "PT1S");
    a.put("pairing.max-pending-per-address", "50");
    a.put("pairing.tunnel-url", "ws://127.0.0.1:" + balancer.port() + "/v1/tunnel");
    a.put("presence.replica-lease", LEASE.toString());
    a.put("presence.refresh-interval", "PT0.5S");
    ApiSettings settings = ApiSettings.from(Config.just(ConfigSources.create(a)));
    apps[i] = ApiApplication.create(settings, Clock.systemUTC());
    apis[i] = ApiServer.create(settings, new Lifecycle(), apps[i]).start();
  }

  private void stopApi(int i) {
    if (apis[i] != null) {
      apis[i].stop();
      apis[i] = null;
    }
    if (apps[i] != null) {
      apps[i].close();
      apps[i] = null;
    }
  }

  private ProxyServer startProxy(int i) {
    Map<String, String> p = new HashMap<>();
    p.put("proxy.tunnel.host", "127.0.0.1");
    p.put("proxy.tunnel.port", "0");
    p.put("proxy.internal.host", "127.0.0.1");
    p.put("proxy.internal.port", Integer.toString(proxyInternal[i]));
    p.put("proxy.drain.grace-period", "PT1S");
    p.put("proxy.auth.api-server-url", "http://127.0.0.1:" + apiInternal[i]);
    // Agents of a replica that died come back at once: no cached refusal or answer matters.
    p.put("proxy.auth.cache-ttl", "PT0S");
    p.put("proxy.signing.keys.api-to-proxy", apiToProxy);
    p.put("proxy.signing.keys.proxy-to-api", proxyToApi);
    p.put("proxy.replica.id", "replica-" + i);
    p.put("proxy.replica.internal-url", "http://127.0.0.1:" + proxyInternal[i]);
    p.put("proxy.presence.report-interval", "PT0.1S");
    p.put("proxy.presence.heartbeat-interval", "PT0.5S");
    p.put("proxy.presence.max-backoff", "PT0.5S");
    Config config = Config.just(ConfigSources.create(p));
    ProxyServer proxy =
        ProxyServer.production(
                ProxySettings.from(config.get("proxy")),
                Optional.of(SigningSettings.from(config.get("proxy.signing"), Clock.systemUTC())),
                new Lifecycle())
            .start();
    tunnelPorts[i] = proxy.tunnelPort();
    return proxy;
  }
}
