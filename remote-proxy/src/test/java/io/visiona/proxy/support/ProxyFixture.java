package io.visiona.proxy.support;

import io.visiona.proxy.ProxyServer;
import io.visiona.proxy.ProxySettings;
import io.visiona.proxy.auth.AgentAuthenticator;
import io.visiona.proxy.auth.ApiServerClient;
import io.visiona.server.Lifecycle;
import io.visiona.server.signing.Direction;
import io.visiona.server.signing.RequestSigner;
import io.visiona.server.signing.RequestVerifier;
import io.visiona.server.signing.SignedHttpRequests;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A running proxy on loopback ports, with a test agent authenticator, real request signing (test
 * keys) on the internal listener, and signed clients for the internal API and the relay link.
 */
public final class ProxyFixture implements AutoCloseable {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  public final MapAuthenticator agents;
  public final Lifecycle lifecycle = new Lifecycle();
  public final ProxyServer proxy;
  private final RequestSigner signer =
      TestSigning.signer(Direction.API_TO_PROXY, TestSigning.apiToProxy(), Clock.systemUTC());

  public ProxyFixture(ProxySettings settings, MapAuthenticator agents) {
    this(settings, agents, verifying(settings, Clock.systemUTC()));
  }

  public ProxyFixture(
      ProxySettings settings, MapAuthenticator agents, Optional<RequestVerifier> internalVerifier) {
    this(settings, (AgentAuthenticator) agents, agents, internalVerifier);
  }

  public ProxyFixture(ProxySettings settings, AgentAuthenticator authenticator) {
    this(settings, authenticator, null, verifying(settings, Clock.systemUTC()));
  }

  private ProxyFixture(
      ProxySettings settings,
      AgentAuthenticator authenticator,
      MapAuthenticator agents,
      Optional<RequestVerifier> internalVerifier) {
    this.agents = agents;
    this.proxy = ProxyServer.create(settings, lifecycle, authenticator, internalVerifier).start();
  }

  private ProxyFixture(ProxySettings settings, MapAuthenticator agents, URI presenceApi) {
    this.agents = agents;
    this.proxy =
        ProxyServer.create(
                settings,
                lifecycle,
                agents,
                verifying(settings, Clock.systemUTC()),
                presenceClient(presenceApi))
            .start();
  }

  /** A proxy that reports presence to the api-server at {@code presenceApi}. */
  public static ProxyFixture reportingTo(
      ProxySettings settings, MapAuthenticator agents, URI presenceApi) {
    return new ProxyFixture(settings, agents, presenceApi);
  }

  /** The client the proxy uses in production, signing with the test proxy-to-api keys. */
  public static ApiServerClient presenceClient(URI api) {
    return ApiServerClient.create(
        api,
        new SignedHttpRequests(
                TestSigning.signer(
                    Direction.PROXY_TO_API, TestSigning.proxyToApi(), Clock.systemUTC()))
            ::request,
        Duration.ofSeconds(5));
  }

  /** What the proxy runs with in production, over the test keys and {@code clock}. */
  public static Optional<RequestVerifier> verifying(ProxySettings settings, Clock clock) {
    return Optional.of(
        new RequestVerifier(
            Direction.API_TO_PROXY,
            TestSigning.apiToProxy(),
            clock,
            Duration.ofMinutes(5),
            10_000));
  }

  public URI tunnelUri() {
    return URI.create("ws://127.0.0.1:" + proxy.tunnelPort() + "/v1/tunnel");
  }

  /**
   * A bare WebSocket to the tunnel endpoint with an agent credential: no yamux session, the JDK's
   * default client (callbacks on a pool thread), frames handled by {@code listener}.
   */
  public WebSocket rawTunnel(String credential, WebSocket.Listener listener) throws Exception {
    return HTTP.newWebSocketBuilder()
        .header("Authorization", "Bearer " + credential)
        .buildAsync(tunnelUri(), listener)
        .get(10, TimeUnit.SECONDS);
  }

  public URI linkUri() {
    return URI.create("ws://127.0.0.1:" + proxy.internalPort() + "/internal/link");
  }

  public URI internal(String path) {
    return URI.create("http://127.0.0.1:" + proxy.internalPort() + path);
  }

  /** Signed headers for a relay link upgrade (for raw upgrade requests). */
  public Map<String, String> linkUpgradeHeaders() {
    return TestSigning.upgradeHeaders(signer, linkUri());
  }

  /** A relay link signed with the api-server's key. */
  public RelayLinkClient link() throws IOException {
    return RelayLinkClient.connect(linkUri(), TestSigning.upgradeHeaders(signer, linkUri()));
  }

  /** A relay link client that sends WebSocket messages of up to {@code sendBufferSize} bytes. */
  public RelayLinkClient link(int sendBufferSize) throws IOException {
    return RelayLinkClient.connect(
        linkUri(), TestSigning.upgradeHeaders(signer, linkUri()), sendBufferSize);
  }

  public SignedHttpRequests signed() {
    return TestSigning.http(signer);
  }

  public HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return send(signed().request("GET", internal(path), new byte[0]).build());
  }

  public HttpResponse<String> post(String path, String json)
      throws IOException, InterruptedException {
    return send(
        signed()
            .request("POST", internal(path), json.getBytes(StandardCharsets.UTF_8))
            .header("Content-Type", "application/json")
            .build());
  }

  public HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** Unsigned GET, e.g. for health and metrics. */
  public HttpResponse<String> plainGet(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(internal(path)).build());
  }

  @Override
  public void close() {
    proxy.stop();
  }
}
