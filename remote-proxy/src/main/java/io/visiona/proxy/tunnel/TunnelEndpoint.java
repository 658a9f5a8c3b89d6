package io.visiona.proxy.tunnel;

import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import io.visiona.proxy.auth.AddressLimitedAuthenticator;
import io.visiona.proxy.auth.AgentIdentity;
import io.visiona.proxy.auth.AuthUnavailableException;
import io.visiona.proxy.auth.Credentials;
import io.visiona.proxy.auth.TooManyFailuresException;
import io.visiona.proxy.metrics.ProxyMetrics;
import io.visiona.proxy.ws.YamuxSettings;
import io.visiona.proxy.ws.YamuxWebSocket;
import io.visiona.server.errors.ErrorCode;
import io.visiona.server.errors.ErrorEnvelope;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code GET /v1/tunnel}: one instance per agent connection. The credential is checked inside the
 * upgrade, before the 101 is written (filters do not run for upgrades); then the connection carries
 * a yamux server session that is registered under the agent's device id.
 */
public final class TunnelEndpoint implements WsListener {

  private static final Logger LOG = Logger.getLogger(TunnelEndpoint.class.getName());

  private final TunnelRegistry registry;
  private final AddressLimitedAuthenticator authenticator;
  private final YamuxSettings yamux;
  private final Duration idleTimeout;
  private final ProxyMetrics metrics;
  private final BooleanSupplier draining;

  private AgentIdentity identity;
  private YamuxWebSocket connection;

  public TunnelEndpoint(
      TunnelRegistry registry,
      AddressLimitedAuthenticator authenticator,
      YamuxSettings yamux,
      Duration idleTimeout,
      ProxyMetrics metrics,
      BooleanSupplier draining) {
    this.registry = registry;
    this.authenticator = authenticator;
    this.yamux = yamux;
    this.idleTimeout = idleTimeout;
    this.metrics = metrics;
    this.draining = draining;
  }

  @Override
  public Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers headers) {
    if (draining.getAsBoolean()) {
      throw ErrorEnvelope.refusal(ErrorCode.DRAINING, "this proxy is shutting down; retry");
    }
    Optional<String> credential =
        Credentials.bearer(headers.first(HeaderNames.AUTHORIZATION).orElse(null));
    if (credential.isEmpty()) {
      metrics.authFailure("missing");
      throw ErrorEnvelope.refusal(ErrorCode.UNAUTHORIZED, "missing or malformed bearer credential");
    }
    Optional<AgentIdentity> who;
    try {
      who = authenticator.authenticate(credential.get(), ClientAddresses.current());
    } catch (TooManyFailuresException e) {
      metrics.authFailure("too_many_failures");
      throw ErrorEnvelope.refusal(
          ErrorCode.TOO_MANY_AUTH_FAILURES,
          "too many failed credential checks from this address; retry later",
          e.retryAfter());
    } catch (AuthUnavailableException e) {
      metrics.authFailure("unavailable");
      LOG.warning(
          "credential "
              + Credentials.fingerprint(credential.get())
              + " could not be checked: "
              + e.getMessage());
      throw ErrorEnvelope.refusal(
          ErrorCode.AUTH_UNAVAILABLE, "credential check unavailable; retry");
    }
    if (who.isEmpty()) {
      metrics.authFailure("invalid");
      LOG.fine(() -> "refused credential " + Credentials.fingerprint(credential.get()));
      throw ErrorEnvelope.refusal(ErrorCode.UNAUTHORIZED, "invalid credential");
    }
    if (!registry.hasRoomFor(who.get().deviceId())) {
      metrics.authFailure("capacity");
      throw ErrorEnvelope.refusal(ErrorCode.TOO_MANY_AGENTS, "this proxy is full; retry");
    }
    identity = who.get();
    return Optional.empty();
  }

  @Override
  public void onOpen(WsSession ws) {
    String remote =
        ws.socketContext().remotePeer().host() + ":" + ws.socketContext().remotePeer().port();
    connection =
        YamuxWebSocket.open(ws, yamux, idleTimeout, "agent " + identity.deviceId() + " " + remote);
    metrics.track(connection.session(), true);
    AgentTunnel tunnel =
        new AgentTunnel(identity, connection, registry.newConnectionId(), Instant.now(), remote);
    TunnelRegistry.Outcome outcome = registry.register(tunnel);
    if (outcome == TunnelRegistry.Outcome.FULL) {
      metrics.authFailure("capacity");
      connection.close();
      return;
    }
    connection.watch(() -> registry.remove(tunnel));
    Thread.ofVirtual().name("refuse-agent-streams").start(() -> refuseAgentStreams(tunnel));
    LOG.log(
        Level.FINE,
        () -> "agent " + identity.deviceId() + " connected from " + remote + " (" + outcome + ")");
    // The connection's frames are read here, on this thread, until it ends.
    connection.serve();
  }

  /** Agents do not open streams to the proxy; any they open is reset. */
  private static void refuseAgentStreams(AgentTunnel tunnel) {
    try {
      while (true) {
        tunnel.session().acceptStream().reset();
      }
    } catch (java.io.IOException closed) {
      // session over
    }
  }
}
