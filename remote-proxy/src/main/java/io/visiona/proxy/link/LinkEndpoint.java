package io.visiona.proxy.link;

import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import io.visiona.proxy.metrics.ProxyMetrics;
import io.visiona.proxy.ws.YamuxWebSocket;
import io.visiona.server.errors.ErrorCode;
import io.visiona.server.errors.ErrorEnvelope;
import io.visiona.server.signing.SignedUpgrade;
import io.visiona.tunnel.Stream;
import java.io.IOException;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * {@code GET /internal/link}: a WebSocket carrying yamux from the api-server, which opens one
 * stream per relayed connection (docs/adr/0020). The upgrade is authenticated inside {@link
 * #onHttpUpgrade}, since HTTP filters do not run for upgrades.
 */
public final class LinkEndpoint implements WsListener {

  private static final Logger LOG = Logger.getLogger(LinkEndpoint.class.getName());
  private final SignedUpgrade auth;
  private final LinkSettings settings;
  private final LinkStreamHandler handler;
  private final ProxyMetrics metrics;
  private final LinkSessions sessions;
  private final java.util.function.BooleanSupplier draining;
  private YamuxWebSocket connection;

  public LinkEndpoint(
      SignedUpgrade auth,
      LinkSettings settings,
      io.visiona.proxy.tunnel.TunnelRegistry registry,
      ProxyMetrics metrics,
      LinkSessions sessions,
      java.util.function.BooleanSupplier draining) {
    this.auth = auth;
    this.sessions = sessions;
    this.settings = settings;
    this.metrics = metrics;
    this.draining = draining;
    this.handler = new LinkStreamHandler(registry, settings.headerTimeout(), metrics, draining);
  }

  @Override
  public Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers headers) {
    auth.require(
        prologue, headers); // throws the refusal (401, or 503 when the replay cache is full)
    if (draining.getAsBoolean()) {
      // The api-server redials elsewhere; a link to this proxy would be cut within seconds.
      throw ErrorEnvelope.refusal(ErrorCode.DRAINING, "this proxy is shutting down; retry");
    }
    return Optional.empty();
  }

  @Override
  public void onOpen(WsSession ws) {
    String remote =
        ws.socketContext().remotePeer().host() + ":" + ws.socketContext().remotePeer().port();
    connection = YamuxWebSocket.open(ws, settings.yamux(), "relay link " + remote);
    metrics.track(connection.session(), false);
    sessions.add(connection);
    connection.watch(
        () -> {
          sessions.remove(connection);
          LOG.fine(() -> "relay link from " + remote + " ended");
        });
    Thread.ofVirtual().name("link-accept").start(this::acceptLoop);
    // The connection's frames are read here, on this thread, until it ends.
    connection.serve();
  }

  private void acceptLoop() {
    try {
      while (true) {
        Stream s = connection.session().acceptStream();
        Thread.ofVirtual().name("link-stream-" + s.id()).start(() -> handler.handle(s));
      }
    } catch (IOException closed) {
      // link over
    }
  }
}
