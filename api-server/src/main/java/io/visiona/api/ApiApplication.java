package io.visiona.api;

import io.helidon.http.HttpException;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.http1.spi.Http1Upgrader;
import io.visiona.api.access.DeviceAccess;
import io.visiona.api.access.DeviceHttpPassthrough;
import io.visiona.api.access.DeviceWebSocketUpgrader;
import io.visiona.api.audit.AuditRetention;
import io.visiona.api.audit.AuditRoutes;
import io.visiona.api.auth.AuthRoutes;
import io.visiona.api.auth.IdTokenValidator;
import io.visiona.api.auth.IdpHttp;
import io.visiona.api.auth.JwksCache;
import io.visiona.api.auth.LoginFlow;
import io.visiona.api.auth.LoginRateLimit;
import io.visiona.api.auth.LoginTransactions;
import io.visiona.api.auth.OidcProvider;
import io.visiona.api.auth.OidcSettings;
import io.visiona.api.auth.ServiceClient;
import io.visiona.api.auth.TokenEndpoint;
import io.visiona.api.console.ConsoleRoutes;
import io.visiona.api.crypto.SignedCookies;
import io.visiona.api.device.CredentialRepository;
import io.visiona.api.device.DeviceCredentials;
import io.visiona.api.device.DeviceRepository;
import io.visiona.api.device.DeviceRoutes;
import io.visiona.api.http.ApiResponseHeaders;
import io.visiona.api.http.ApiRoutes;
import io.visiona.api.http.BodyLimitFilter;
import io.visiona.api.http.BoxLimitSettings;
import io.visiona.api.http.BoxRoutes;
import io.visiona.api.http.CookieWriter;
import io.visiona.api.http.CsrfFilter;
import io.visiona.api.http.SessionAuthenticator;
import io.visiona.api.internal.AgentVerifyService;
import io.visiona.api.internal.PresenceEndpoints;
import io.visiona.api.pairing.PairingRoutes;
import io.visiona.api.pairing.PairingService;
import io.visiona.api.persistence.AuditLog;
import io.visiona.api.persistence.Database;
import io.visiona.api.persistence.LoginTransactionRepository;
import io.visiona.api.persistence.SessionRepository;
import io.visiona.api.persistence.UserRepository;
import io.visiona.api.presence.PresenceRepository;
import io.visiona.api.presence.PresenceService;
import io.visiona.api.presence.TunnelCloser;
import io.visiona.api.proxy.ProxyClient;
import io.visiona.api.relay.RelayLinks;
import io.visiona.api.session.SessionService;
import io.visiona.server.errors.ApiError;
import io.visiona.server.errors.ErrorCode;
import io.visiona.server.errors.ErrorEnvelope;
import io.visiona.server.limits.AddressRateLimiter;
import io.visiona.server.limits.ClientAddress;
import io.visiona.server.routes.RouteTable;
import io.visiona.server.signing.Direction;
import io.visiona.server.signing.PublicPaths;
import io.visiona.server.signing.SignatureFilter;
import io.visiona.server.signing.SignatureMetrics;
import io.visiona.server.signing.SignedHttpRequests;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Wires the api-server's parts: database, sessions, OIDC login and the {@code /api} routes. */
public final class ApiApplication implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(ApiApplication.class.getName());

  /** Fence calls to older proxy replicas in flight at once (beyond: logged, not sent). */
  private static final int MAX_FENCES_IN_FLIGHT = 256;

  private final RouteTable internalRoutes = new RouteTable();
  private final Database database;
  private final SessionService sessions;
  private final ApiRoutes routes;
  private final ServiceClient serviceClient;
  private final UserRepository users;
  private final Devices devices;
  private final SignatureFilter internalSignatures;
  private final BoxRoutes box;
  private final AuditRetention retention;
  private final List<Http1Upgrader> upgraders;
  private final long maxPayloadSize;
  private final ConsoleRoutes console = ConsoleRoutes.fromClassPath();

  private ApiApplication(
      Database database,
      SessionService sessions,
      ApiRoutes routes,
      BoxRoutes box,
      ServiceClient serviceClient,
      UserRepository users,
      Devices devices,
      SignatureFilter internalSignatures,
      AuditRetention retention,
      List<Http1Upgrader> upgraders,
      long maxPayloadSize) {
    this.upgraders = upgraders;
    this.maxPayloadSize = maxPayloadSize;
    this.box = box;
    this.retention = retention;
    this.database = database;
    this.sessions = sessions;
    this.routes = routes;
    this.serviceClient = serviceClient;
    this.users = users;
    this.devices = devices;
    this.internalSignatures = internalSignatures;
  }

  /** The device side of the application: credentials, pairing, the devices themselves. */
  public record Devices(
      DeviceRepository devices,
      CredentialRepository credentials,
      DeviceCredentials verifier,
      PairingService pairing,
      AuditLog audit,
      RelayLinks relay,
      PresenceService presence) {}

  public static ApiApplication create(ApiSettings settings, Clock clock) {
    Database db = Database.open(settings.database());
    try {
      UserRepository users = new UserRepository(db.jdbi());
      AuditLog audit = new AuditLog(db.jdbi(), clock);
      CookieWriter cookies = new CookieWriter(settings.session().insecureDevCookies());
      SessionService sessions =
          new SessionService(
              new SessionRepository(db.jdbi()),
              users,
              settings.session(),
              cookies.name(SessionService.COOKIE),
              clock);

      OidcSettings oidc = settings.oidc();
      IdpHttp http = new IdpHttp(oidc.httpTimeout());
      OidcProvider provider = new OidcProvider(oidc.issuer(), http, clock);
      JwksCache jwks =
          new JwksCache(
              () -> provider.metadata().jwksUri(),
              http,
              clock,
              oidc.jwksMinRefreshInterval(),
              oidc.jwksMaxAge());
      LoginTransactions transactions =
          new LoginTransactions(
              new LoginTransactionRepository(db.jdbi()),
              new SignedCookies(settings.session().keys(), clock),
              cookies.name(LoginTransactions.COOKIE),
              oidc,
              clock);
      LoginFlow flow =
          new LoginFlow(
              oidc,
              provider,
              new IdTokenValidator(oidc, jwks, clock),
              transactions,
              new TokenEndpoint(http, oidc.client()),
              users,
              sessions,
              audit,
              clock);

      OidcProvider serviceProvider =
          settings.serviceClient().issuer().equals(oidc.issuer())
              ? provider
              : new OidcProvider(settings.serviceClient().issuer(), http, clock);
      ServiceClient serviceClient =
          new ServiceClient(settings.serviceClient(), serviceProvider, http, clock);

      SessionAuthenticator authenticator = new SessionAuthenticator(sessions);
      ApiRoutes routes = new ApiRoutes(authenticator);
      ClientAddress clients = new ClientAddress(settings.trustedProxies());
      LoginRateLimit loginLimit = new LoginRateLimit(oidc.loginsPerAddress(), clients, clock);
      new AuthRoutes(flow, sessions, transactions, cookies, loginLimit).register(routes);
      // Shown and audited: the client's address; limited under: its address or IPv6 /64.
      Function<ServerRequest, String> clientAddress = req -> clients.of(req).getHostAddress();
      Function<ServerRequest, String> clientKey = req -> ClientAddress.limitKey(clients.of(req));
      BoxLimitSettings limits = settings.boxLimits();
      BoxRoutes box =
          new BoxRoutes(
              new AddressRateLimiter(
                  limits.perAddressPerMinute() / 60.0,
                  limits.perAddressBurst(),
                  limits.maxAddresses(),
                  clock),
              new AddressRateLimiter(limits.perSecond(), limits.burst(), 1, clock),
              clientKey);

      CredentialRepository credentialRepository = new CredentialRepository(db.jdbi());
      DeviceCredentials deviceCredentials =
          new DeviceCredentials(db.jdbi(), credentialRepository, settings.credentials(), clock);
      Optional<SignedHttpRequests> toProxy =
          settings
              .signing()
              .map(s -> new SignedHttpRequests(s.signer(Direction.API_TO_PROXY, clock)));
      ProxyClient proxy = new ProxyClient(settings.proxy(), toProxy);
      PresenceRepository presenceRepository = new PresenceRepository(db.jdbi());
      TunnelCloser closer =
          new TunnelCloser(
              presenceRepository, proxy, clock, settings.proxy().timeout(), MAX_FENCES_IN_FLIGHT);
      Devices devices =
          new Devices(
              new DeviceRepository(db.jdbi()),
              credentialRepository,
              deviceCredentials,
              new PairingService(db.jdbi(), deviceCredentials, audit, settings.pairing(), clock),
              audit,
              new RelayLinks(
                  settings.relay(), presenceRepository, settings.presence(), toProxy, clock),
              new PresenceService(presenceRepository, closer, settings.presence(), clock));
      new PairingRoutes(devices.pairing(), clientAddress).register(routes, box);
      new DeviceRoutes(
              devices.devices(),
              credentialRepository,
              deviceCredentials,
              presenceRepository,
              closer,
              audit,
              settings.pairing().tunnelUrl(),
              clientAddress,
              clock)
          .register(routes, box);
      new AuditRoutes(audit).register(routes);
      DeviceAccess access =
          new DeviceAccess(devices.devices(), devices.relay(), settings.deviceAccess());
      new DeviceHttpPassthrough(access, clientAddress, settings.maxPayloadSize()).register(routes);
      List<Http1Upgrader> upgraders =
          DeviceWebSocketUpgrader.create(access, authenticator, clients);
      SignatureFilter internalSignatures =
          settings
              .signing()
              .map(
                  s ->
                      SignatureFilter.verifying(
                          s.verifier(Direction.PROXY_TO_API, clock),
                          s.maxBodyBytes(),
                          SignatureMetrics.counter(Direction.PROXY_TO_API),
                          PublicPaths.OBSERVE))
              .orElseGet(
                  () ->
                      SignatureFilter.denyingAll(
                          Direction.PROXY_TO_API,
                          SignatureMetrics.counter(Direction.PROXY_TO_API),
                          PublicPaths.OBSERVE));
      AuditRetention retention = AuditRetention.start(audit, settings.auditRetention(), clock);
      devices.relay().start();
      return new ApiApplication(
          db,
          sessions,
          routes,
          box,
          serviceClient,
          users,
          devices,
          internalSignatures,
          retention,
          upgraders,
          settings.maxPayloadSize());
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
  }

  /**
   * Adds the /api response headers, the CSRF filter, the JSON error handlers, every {@code /api}
   * route and the console's static files.
   */
  public void routing(HttpRouting.Builder routing) {
    routing
        .addFilter(new ApiResponseHeaders())
        .addFilter(new BodyLimitFilter(maxPayloadSize))
        .addFilter(new CsrfFilter())
        .error(ApiError.class, (req, res, e) -> ErrorEnvelope.send(res, e))
        // Helidon's own refusals (no route: 404, bad request line, ...) keep their status.
        .error(HttpException.class, (req, res, e) -> httpError(res, e))
        .error(
            RuntimeException.class,
            (req, res, e) -> {
              LOG.log(Level.WARNING, "unhandled error on " + req.path().path(), e);
              ErrorEnvelope.send(res, new ApiError(ErrorCode.INTERNAL, "internal error"));
            });
    box.applyTo(routing);
    routes.applyTo(routing);
    console.applyTo(routing);
  }

  /** The reference console's static files, as routed. */
  public ConsoleRoutes console() {
    return console;
  }

  /** The routes boxes call ({@code /v1/...}), as registered. */
  public BoxRoutes boxRoutes() {
    return box;
  }

  /**
   * The internal listener: every request signed by remote-proxy (health and metrics excepted);
   * routes recorded in {@link #internalRoutes()} for the tests that walk them.
   */
  public void internalRouting(HttpRouting.Builder routing) {
    internalSignatures.addTo(routing);
    internalRoutes
        .recording(routing)
        .register("/internal", new AgentVerifyService(devices.verifier(), devices.audit()))
        .register("/internal", new PresenceEndpoints(devices.presence()));
  }

  /** The public listener's HTTP/1 upgrades: WebSocket passthrough to devices. */
  public List<Http1Upgrader> upgraders() {
    return upgraders;
  }

  public RouteTable internalRoutes() {
    return internalRoutes;
  }

  public Devices devices() {
    return devices;
  }

  private static void httpError(ServerResponse res, HttpException e) {
    Status status = e.status();
    if (status.code() >= 500) {
      LOG.warning("request failed with " + status + ": " + e.getMessage());
    }
    ErrorEnvelope.send(res, status, status.reasonPhrase().toLowerCase(Locale.ROOT));
  }

  public ApiRoutes routes() {
    return routes;
  }

  public SessionService sessions() {
    return sessions;
  }

  public UserRepository users() {
    return users;
  }

  public ServiceClient serviceClient() {
    return serviceClient;
  }

  @Override
  public void close() {
    devices.relay().close();
    retention.close();
    database.close();
  }
}
