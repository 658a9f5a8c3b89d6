package io.visiona.proxy.support;

import io.helidon.http.Headers;
import io.visiona.proxy.ProxyServer;
import io.visiona.proxy.ProxySettings;
import io.visiona.proxy.internal.InternalAuth;
import io.visiona.server.Lifecycle;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** A running proxy on loopback ports, with test authenticators and a client for its APIs. */
public final class ProxyFixture implements AutoCloseable {

  /** Accepts every internal request (tests that are not about internal authentication). */
  public static final InternalAuth OPEN =
      new InternalAuth() {
        @Override
        public Verdict verify(String method, String path, Headers headers, byte[] body) {
          return Verdict.accept();
        }

        @Override
        public int maxBodyBytes() {
          return 64 << 20;
        }
      };

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  public final MapAuthenticator agents;
  public final Lifecycle lifecycle = new Lifecycle();
  public final ProxyServer proxy;

  public ProxyFixture(ProxySettings settings, MapAuthenticator agents, InternalAuth internalAuth) {
    this.agents = agents;
    this.proxy = ProxyServer.create(settings, lifecycle, agents, internalAuth).start();
  }

  public ProxyFixture(ProxySettings settings, MapAuthenticator agents) {
    this(settings, agents, OPEN);
  }

  public URI tunnelUri() {
    return URI.create("ws://127.0.0.1:" + proxy.tunnelPort() + "/v1/tunnel");
  }

  public URI linkUri() {
    return URI.create("ws://127.0.0.1:" + proxy.internalPort() + "/internal/link");
  }

  public URI internal(String path) {
    return URI.create("http://127.0.0.1:" + proxy.internalPort() + path);
  }

  public RelayLinkClient link() throws IOException {
    return RelayLinkClient.connect(linkUri(), Map.of());
  }

  public HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(internal(path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  public HttpResponse<String> post(String path, String json)
      throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(internal(path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() {
    proxy.stop();
  }
}
