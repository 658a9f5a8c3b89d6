package io.visiona.proxy;

import io.helidon.metrics.api.Metrics;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.websocket.WsConfig;
import io.helidon.webserver.websocket.WsRouting;
import io.visiona.proxy.auth.AddressLimitedAuthenticator;
import io.visiona.proxy.auth.AgentAuthenticator;
import io.visiona.proxy.auth.ApiServerAuthenticator;
import io.visiona.proxy.auth.ApiServerClient;
import io.visiona.proxy.auth.CachingAuthenticator;
import io.visiona.proxy.auth.OutboundSigner;
import io.visiona.proxy.auth.TimedAuthenticator;
import io.visiona.proxy.forward.ForwardService;
import io.visiona.proxy.internal.SessionsService;
import io.visiona.proxy.link.LinkEndpoint;
import io.visiona.proxy.link.LinkSessions;
import io.visiona.proxy.metrics.ProxyMetrics;
import io.visiona.proxy.presence.PresenceReporter;
import io.visiona.proxy.tunnel.ClientAddresses;
import io.visiona.proxy.tunnel.TunnelEndpoint;
import io.visiona.proxy.tunnel.TunnelRegistry;
import io.visiona.proxy.tunnel.TunnelSettings;
import io.visiona.proxy.ws.BoundedParallel;
import io.visiona.server.Lifecycle;
import io.visiona.server.Observability;
import io.visiona.server.errors.ApiError;
import io.visiona.server.errors.ErrorCode;
import io.visiona.server.errors.ErrorEnvelope;
import io.visiona.server.listener.ListenerProbe;
import io.visiona.server.listener.ListenerSettings;
import io.visiona.server.routes.RouteTable;
import io.visiona.server.signing.Direction;
import io.visiona.server.signing.PublicPaths;
import io.visiona.server.signing.RejectReason;
import io.visiona.server.signing.RequestVerifier;
import io.visiona.server.signing.SignatureFilter;
import io.visiona.server.signing.SignatureMetrics;
import io.visiona.server.signing.SignedHttpRequests;
import io.visiona.server.signing.SignedUpgrade;
import io.visiona.server.signing.SigningSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * remote-proxy assembled: the public tunnel listener ({@code /v1/tunnel}) and the private internal
 * one (internal API, relay link, health, metrics), around one {@link TunnelRegistry}.
 */
public final class ProxyServer {

  public static final String INTERNAL_SOCKET = "internal";
  static final String TUNNEL_PATH = "/v1/tunnel";
  public static final String LINK_PATH = "/internal/link";

  /**
   * How long the GoAways at the start of a drain, and the close frames at its end, may take in all.
   */
  static final Duration CLOSE_ON_DRAIN = Duration.ofSeconds(2);

  /** The shortest last flush of presence events on a drain. */
  static final Duration MIN_FINAL_FLUSH = Duration.ofSeconds(2);

  private static final System.Logger LOG = System.getLogger(ProxyServer.class.getName());

  private final ProxySettings settings;
  private final Lifecycle lifecycle;
  private final AgentAuthenticator authenticator;
  private final AddressLimitedAuthenticator upgradeAuthenticator;
  private final TunnelRegistry registry;
  private final LinkSessions links = new LinkSessions();
  private final RouteTable internalRoutes = new RouteTable();
  private final ProxyMetrics metrics;
  private final ListenerProbe listeners = new ListenerProbe();
  private final WebServer server;
  private final Optional<PresenceReporter> presence;

  private ProxyServer(
      ProxySettings settings,
      Lifecycle lifecycle,
      AgentAuthenticator authenticator,
      Optional<RequestVerifier> internalVerifier,
      Optional<ApiServerClient> presenceApi) {
    this.settings = settings;
    this.lifecycle = lifecycle;
    this.authenticator =
        new TimedAuthenticator(authenticator, settings.tunnel().handshakeTimeout());
    this.upgradeAuthenticator =
        new AddressLimitedAuthenticator(
            this.authenticator,
            settings.auth().failuresPerAddress(),
            settings.tunnel().handshakeTimeout(),
            Clock.systemUTC());
    this.registry = new TunnelRegistry(settings.tunnel().maxAgents());
    this.metrics = new ProxyMetrics(Metrics.globalRegistry(), registry::size);
    // Listening to the registry before any tunnel can be accepted.
    this.presence =
        presenceApi.map(
            api ->
                new PresenceReporter(
                    settings.replica(),
                    settings.presence(),
                    api,
                    registry,
                    metrics,
                    Clock.systemUTC()));
    this.server = webServer(internalVerifier);
    listeners
        .watch(server, WebServer.DEFAULT_SOCKET_NAME, settings.tunnelHost())
        .watch(server, INTERNAL_SOCKET, settings.internalHost());
  }

  /**
   * The proxy with the given agent authenticator and the verifier of internal requests (signed by
   * the api-server); without a verifier every internal request and relay link is refused.
   */
  public static ProxyServer create(
      ProxySettings settings,
      Lifecycle lifecycle,
      AgentAuthenticator authenticator,
      Optional<RequestVerifier> internalVerifier) {
    return new ProxyServer(settings, lifecycle, authenticator, internalVerifier, Optional.empty());
  }

  /**
   * As {@link #create(ProxySettings, Lifecycle, AgentAuthenticator, Optional)}, reporting presence
   * (heartbeats, tunnel events) to the api-server through {@code presenceApi}.
   */
  public static ProxyServer create(
      ProxySettings settings,
      Lifecycle lifecycle,
      AgentAuthenticator authenticator,
      Optional<RequestVerifier> internalVerifier,
      ApiServerClient presenceApi) {
    return new ProxyServer(
        settings, lifecycle, authenticator, internalVerifier, Optional.of(presenceApi));
  }

  /** {@link #production(ProxySettings, Optional, Lifecycle)} without signing keys. */
  public static ProxyServer production(ProxySettings settings, Lifecycle lifecycle) {
    return production(settings, Optional.empty(), lifecycle);
  }

  /**
   * The proxy as configured, with the production authenticator (the api-server's internal API,
   * contacted when an agent connects, with signed requests) and presence reporting to the same
   * api-server URL with the same keys. Without signing keys the proxy still starts, but refuses
   * every internal request and cannot check agent credentials (503) nor report presence.
   */
  public static ProxyServer production(
      ProxySettings settings, Optional<SigningSettings> signing, Lifecycle lifecycle) {
    Clock clock = Clock.systemUTC();
    OutboundSigner signer =
        signing
            .<OutboundSigner>map(
                s -> new SignedHttpRequests(s.signer(Direction.PROXY_TO_API, clock))::request)
            .orElse(
                (method, uri, body) -> {
                  throw new IllegalStateException("request signing keys are not configured");
                });
    Optional<RequestVerifier> internalVerifier =
        signing.map(s -> s.verifier(Direction.API_TO_PROXY, clock));
    ApiServerClient apiServer =
        ApiServerClient.create(settings.auth().apiServer(), signer, settings.auth().timeout());
    AgentAuthenticator api = new ApiServerAuthenticator(apiServer);
    AgentAuthenticator cached =
        new CachingAuthenticator(
            api,
            settings.auth().cacheTtl(),
            settings.auth().cacheMaxEntries(),
            settings.auth().refusalCacheTtl(),
            settings.auth().refusalCacheMaxEntries(),
            Clock.systemUTC());
    if (signing.isEmpty()) {
      LOG.log(
          System.Logger.Level.WARNING,
          "no signing keys: presence is not reported, api-servers cannot see this replica");
      return create(settings, lifecycle, cached, internalVerifier);
    }
    return create(settings, lifecycle, cached, internalVerifier, apiServer);
  }

  /** The largest body an internal endpoint takes (forward/http), which the signature covers. */
  public static int internalBodyLimit(ProxySettings settings) {
    return settings.forward().maxRequestJson();
  }

  private WebServer webServer(Optional<RequestVerifier> internalVerifier) {
    Consumer<RejectReason> onReject = this::internalAuthFailure;
    SignatureFilter signatures =
        internalVerifier
            .map(
                v ->
                    SignatureFilter.verifying(
                        v, internalBodyLimit(settings), onReject, PublicPaths.OBSERVE))
            .orElseGet(
                () ->
                    SignatureFilter.denyingAll(
                        Direction.API_TO_PROXY, onReject, PublicPaths.OBSERVE));
    SignedUpgrade linkUpgrades =
        internalVerifier
            .map(v -> new SignedUpgrade(v, onReject))
            .orElseGet(() -> SignedUpgrade.denyingAll(Direction.API_TO_PROXY, onReject));
    TunnelSettings tunnel = settings.tunnel();
    WebServerConfig.Builder builder = WebServer.builder();
    // The listener's one HTTP/1 configuration; the upgrade learns the client's address from
    // ClientAddresses (failed-check budget per address).
    settings.tunnelListener().applyTo(builder, new ClientAddresses());
    // Agents' data (box responses, camera streams) arrives here: a real TCP window.
    ListenerSettings.bulkReceiveBuffer(builder);
    return builder
        .host(settings.tunnelHost())
        .port(settings.tunnelPort())
        .shutdownHook(false)
        .directHandlers(ErrorEnvelope.directHandlers())
        .addProtocol(
            WsConfig.builder().name("websocket").maxFrameLength(tunnel.maxFrameLength()).build())
        .addRouting(
            WsRouting.builder()
                .endpoint(
                    TUNNEL_PATH,
                    () ->
                        new TunnelEndpoint(
                            registry,
                            upgradeAuthenticator,
                            tunnel.yamux(),
                            tunnel.idleTimeout(),
                            metrics,
                            lifecycle::draining)))
        .routing(
            r ->
                r.get(
                        TUNNEL_PATH,
                        (req, res) ->
                            ErrorEnvelope.send(
                                res,
                                ErrorCode.UPGRADE_REQUIRED,
                                "GET /v1/tunnel must be a WebSocket upgrade"))
                    .error(ApiError.class, ErrorEnvelope.handler())
                    .any((req, res) -> notFound(res)))
        .putSocket(
            INTERNAL_SOCKET,
            l ->
                ListenerSettings.bulkReceiveBuffer(
                        // The relay link's uploads (browser to box) arrive here.
                        settings.internalListener().applyTo(l))
                    .host(settings.internalHost())
                    .port(settings.internalPort())
                    .directHandlers(ErrorEnvelope.directHandlers())
                    .addProtocol(
                        WsConfig.builder()
                            .name("websocket")
                            .maxFrameLength(settings.link().maxFrameLength())
                            .build())
                    .addRouting(
                        WsRouting.builder()
                            .endpoint(
                                LINK_PATH,
                                () ->
                                    new LinkEndpoint(
                                        linkUpgrades,
                                        settings.link(),
                                        registry,
                                        metrics,
                                        links,
                                        lifecycle::draining)))
                    .routing(internalRouting(signatures)))
        .addFeature(
            Observability.feature(
                List.of(INTERNAL_SOCKET), List.of(lifecycle.readiness(), listeners.readiness())))
        .build();
  }

  /** Refused internal requests and relay-link upgrades, counted under both metric names. */
  private void internalAuthFailure(RejectReason reason) {
    SIGNATURE_REJECTIONS.accept(reason);
    metrics.authFailure("signature_" + reason.name().toLowerCase(Locale.ROOT));
  }

  private static final Consumer<RejectReason> SIGNATURE_REJECTIONS =
      SignatureMetrics.counter(Direction.API_TO_PROXY);

  private HttpRouting.Builder internalRouting(SignatureFilter signatures) {
    HttpRouting.Builder routing = signatures.addTo(HttpRouting.builder());
    internalRoutes
        .recording(routing)
        .register("/internal", new SessionsService(registry, authenticator))
        .register(
            "/internal",
            new ForwardService(registry, settings.forward(), metrics, lifecycle::draining));
    return routing.error(ApiError.class, ErrorEnvelope.handler());
  }

  /**
   * The HTTP routes of the internal listener as registered (the relay link, a WebSocket route, is
   * {@link #LINK_PATH}); every one of them is behind the signature filter.
   */
  public RouteTable internalRoutes() {
    return internalRoutes;
  }

  private static void notFound(io.helidon.webserver.http.ServerResponse res) {
    ErrorEnvelope.send(res, ErrorCode.NOT_FOUND, "no such resource");
  }

  public ProxyServer start() {
    server.start();
    presence.ifPresent(PresenceReporter::start);
    return this;
  }

  /** The presence reporter, when this proxy reports to an api-server. */
  public Optional<PresenceReporter> presence() {
    return presence;
  }

  public WebServer webServer() {
    return server;
  }

  public int tunnelPort() {
    return server.port();
  }

  public int internalPort() {
    return server.port(INTERNAL_SOCKET);
  }

  public TunnelRegistry registry() {
    return registry;
  }

  public LinkSessions links() {
    return links;
  }

  public ProxyMetrics metrics() {
    return metrics;
  }

  /** Drain, step one: agents get GoAway; new tunnels, relay links and relay streams are refused. */
  public void beginDrain() {
    // Side by side and bounded: queueing a GoAway waits for room if an agent does not read.
    List<Runnable> goAways = new ArrayList<>();
    registry.live().forEach(t -> goAways.add(t::goAway));
    runBounded(goAways, "GoAways queued");
  }

  /** True once no stream is open on any tunnel. */
  public boolean idle() {
    return registry.openStreams() == 0;
  }

  /**
   * SIGTERM handling: {@link Lifecycle#drainAndStop} (readiness down, {@link #beginDrain}, wait for
   * {@link #idle} or the grace period, {@link #closeConnections}, stop the listeners), then
   * whatever is still registered is closed (normally nothing: upgrades are refused while draining)
   * and the pending presence events are sent, within what is left of the grace period (at least
   * {@link #MIN_FINAL_FLUSH}).
   */
  public void drainAndStop(Duration grace) {
    long start = System.nanoTime();
    try {
      lifecycle.drainAndStop(server, grace, this::beginDrain, this::idle, this::closeConnections);
    } finally {
      registry.closeAll();
      links.closeAll();
      // The tunnels' disconnects, so that api-servers see the devices offline at once rather
      // than when the lease runs out.
      Duration left = grace.minusNanos(System.nanoTime() - start);
      presence.ifPresent(
          p -> p.flushAndStop(left.compareTo(MIN_FINAL_FLUSH) > 0 ? left : MIN_FINAL_FLUSH));
    }
  }

  /**
   * End of a drain, while the listeners are still up: every tunnel and relay link is closed with a
   * WebSocket close frame with 1001 (going away), side by side, for at most {@link
   * #CLOSE_ON_DRAIN}. Without the close frame, some clients (the JDK's, with callbacks on a pool)
   * can miss the end of the connection; stopping the listeners cuts whatever is still stuck.
   */
  private void closeConnections() {
    List<Runnable> closes = new ArrayList<>();
    registry.removeAll().forEach(t -> closes.add(t::closeGoingAway));
    links.all().forEach(c -> closes.add(c::closeGoingAway));
    runBounded(closes, "connections closed");
  }

  private static void runBounded(List<Runnable> tasks, String what) {
    if (!BoundedParallel.run(tasks, CLOSE_ON_DRAIN)) {
      LOG.log(
          System.Logger.Level.WARNING,
          "drain: not all of " + tasks.size() + " " + what + " within " + CLOSE_ON_DRAIN);
    }
  }

  /**
   * Stops at once, like a crash as far as presence goes (nothing more is reported; the leases run
   * out): closes every tunnel, stops the listeners, removes the meters.
   */
  public void stop() {
    presence.ifPresent(PresenceReporter::close);
    registry.closeAll();
    links.closeAll();
    server.stop();
    metrics.close();
  }
}
