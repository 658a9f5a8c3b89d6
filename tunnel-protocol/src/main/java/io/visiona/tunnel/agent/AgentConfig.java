package io.visiona.tunnel.agent;

import io.visiona.tunnel.Config;
import io.visiona.tunnel.WebSocketClient;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of an {@link EdgeAgent}. Build with {@link #builder()}; only the proxy URI, the
 * credential and the target are required.
 *
 * @param proxyUri the remote-proxy's tunnel endpoint, {@code ws://} or {@code wss://}, e.g. {@code
 *     wss://proxy.example/v1/tunnel}
 * @param credential the device credential, sent as {@code Authorization: Bearer}; never logged
 * @param targetHost host of the box's local web API, e.g. {@code 127.0.0.1}
 * @param targetPort its TCP port
 * @param connectTimeout how long the WebSocket upgrade may take
 * @param sendTimeout how long one WebSocket write may take before the tunnel is given up
 * @param dialTimeout how long connecting to the target may take before the stream is reset
 * @param initialBackoff first reconnect wait (upper bound of its jitter)
 * @param maxBackoff longest reconnect wait; also the wait after the credential was rejected
 * @param stableAfter a tunnel that stayed up this long resets the backoff to {@code initialBackoff}
 * @param maxConcurrentStreams streams spliced at the same time; beyond, new streams are reset
 * @param session yamux settings of the tunnel
 * @param webSocketClient the WebSocket client that carries the tunnel ({@link
 *     WebSocketClient#DEFAULT} unless set)
 */
public record AgentConfig(
    URI proxyUri,
    String credential,
    String targetHost,
    int targetPort,
    Duration connectTimeout,
    Duration sendTimeout,
    Duration dialTimeout,
    Duration initialBackoff,
    Duration maxBackoff,
    Duration stableAfter,
    int maxConcurrentStreams,
    Config session,
    WebSocketClient webSocketClient) {

  public AgentConfig {
    Objects.requireNonNull(proxyUri, "proxyUri");
    Objects.requireNonNull(credential, "credential");
    Objects.requireNonNull(targetHost, "targetHost");
    Objects.requireNonNull(session, "session");
    Objects.requireNonNull(webSocketClient, "webSocketClient");
    String scheme = proxyUri.getScheme();
    require(
        "ws".equalsIgnoreCase(scheme) || "wss".equalsIgnoreCase(scheme),
        "proxyUri must be ws:// or wss://");
    require(!credential.isBlank(), "credential must not be blank");
    require(!targetHost.isBlank(), "targetHost must not be blank");
    require(targetPort > 0 && targetPort < 65536, "targetPort must be 1..65535");
    positive(connectTimeout, "connectTimeout");
    positive(sendTimeout, "sendTimeout");
    positive(dialTimeout, "dialTimeout");
    positive(initialBackoff, "initialBackoff");
    positive(maxBackoff, "maxBackoff");
    positive(stableAfter, "stableAfter");
    require(maxBackoff.compareTo(initialBackoff) >= 0, "maxBackoff must be >= initialBackoff");
    require(maxConcurrentStreams > 0, "maxConcurrentStreams must be positive");
  }

  private static void positive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    require(!d.isNegative() && !d.isZero(), name + " must be positive");
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  /** Never shows the credential. */
  @Override
  public String toString() {
    return "AgentConfig[proxyUri="
        + proxyUri
        + ", credential=<redacted>, target="
        + targetHost
        + ":"
        + targetPort
        + ", connectTimeout="
        + connectTimeout
        + ", sendTimeout="
        + sendTimeout
        + ", dialTimeout="
        + dialTimeout
        + ", backoff="
        + initialBackoff
        + ".."
        + maxBackoff
        + ", stableAfter="
        + stableAfter
        + ", maxConcurrentStreams="
        + maxConcurrentStreams
        + ", webSocketClient="
        + webSocketClient
        + "]";
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Defaults: 10 s timeouts, backoff 1 s to 60 s reset after 30 s up, 256 streams. */
  public static final class Builder {
    private URI proxyUri;
    private String credential;
    private String targetHost = "127.0.0.1";
    private int targetPort;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration sendTimeout = Duration.ofSeconds(30);
    private Duration dialTimeout = Duration.ofSeconds(10);
    private Duration initialBackoff = Duration.ofSeconds(1);
    private Duration maxBackoff = Duration.ofSeconds(60);
    private Duration stableAfter = Duration.ofSeconds(30);
    private int maxConcurrentStreams = 256;
    private Config session = Config.defaults();
    private WebSocketClient webSocketClient = WebSocketClient.DEFAULT;

    public Builder proxyUri(URI v) {
      proxyUri = v;
      return this;
    }

    public Builder credential(String v) {
      credential = v;
      return this;
    }

    public Builder target(String host, int port) {
      targetHost = host;
      targetPort = port;
      return this;
    }

    public Builder connectTimeout(Duration v) {
      connectTimeout = v;
      return this;
    }

    public Builder sendTimeout(Duration v) {
      sendTimeout = v;
      return this;
    }

    public Builder dialTimeout(Duration v) {
      dialTimeout = v;
      return this;
    }

    public Builder backoff(Duration initial, Duration max) {
      initialBackoff = initial;
      maxBackoff = max;
      return this;
    }

    public Builder stableAfter(Duration v) {
      stableAfter = v;
      return this;
    }

    public Builder maxConcurrentStreams(int v) {
      maxConcurrentStreams = v;
      return this;
    }

    public Builder session(Config v) {
      session = v;
      return this;
    }

    public Builder webSocketClient(WebSocketClient v) {
      webSocketClient = v;
      return this;
    }

    public AgentConfig build() {
      return new AgentConfig(
          proxyUri,
          credential,
          targetHost,
          targetPort,
          connectTimeout,
          sendTimeout,
          dialTimeout,
          initialBackoff,
          maxBackoff,
          stableAfter,
          maxConcurrentStreams,
          session,
          webSocketClient);
    }
  }
}
