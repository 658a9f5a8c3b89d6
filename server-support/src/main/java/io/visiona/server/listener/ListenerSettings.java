package io.visiona.server.listener;

import io.helidon.common.socket.SocketOptions;
import io.helidon.config.Config;
import io.helidon.webserver.ListenerConfig;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionListener;
import io.helidon.webserver.http1.Http1ConnectionSelector;
import io.helidon.webserver.http1.Http1ConnectionSelectorConfig;
import io.helidon.webserver.http1.spi.Http1Upgrader;
import java.net.StandardSocketOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Typed view of the connection settings of one listener, read from that listener's section (for
 * example {@code proxy.tunnel} or {@code api.http}); every key is documented in {@code etc/}.
 *
 * @param tcpNoDelay {@code TCP_NODELAY} on accepted sockets (Nagle off): small writes are sent at
 *     once instead of waiting for the peer's (possibly delayed) ACK
 * @param maxTcpConnections connections open at once; further ones wait in the kernel's backlog
 *     until one closes, so the process cannot run out of file descriptors through this listener
 * @param requestHeadTimeout after the request line, the headers must be complete within this
 * @param httpIdleTimeout a connection waiting for a request line (the first, or the next on a kept
 *     alive connection) is closed after this long
 */
public record ListenerSettings(
    boolean tcpNoDelay,
    int maxTcpConnections,
    Duration requestHeadTimeout,
    Duration httpIdleTimeout) {

  /**
   * {@code SO_RCVBUF} of listeners that receive bulk data ({@link #bulkReceiveBuffer}). Helidon 4.2
   * sets 4 KiB when nothing is configured: a window of a few KiB, no window scaling and no kernel
   * auto-tuning, so data into the server crawls in small segments and, with a slow reader, stalls
   * for seconds on TCP retransmission backoff (api-server/BENCHMARKS.md, "Where the time goes").
   * The kernel charges only bytes actually queued, and caps the value at {@code net.core.rmem_max}.
   */
  public static final int RECEIVE_BUFFER = 1 << 20;

  /** Helidon checks idle connections at most this far apart. */
  private static final Duration MAX_IDLE_CHECK_PERIOD = Duration.ofMinutes(1);

  public ListenerSettings {
    if (maxTcpConnections < 1) {
      throw new IllegalArgumentException("max-tcp-connections must be positive");
    }
    if (!requestHeadTimeout.isPositive() || !httpIdleTimeout.isPositive()) {
      throw new IllegalArgumentException("request-head-timeout and http-idle-timeout must be > 0");
    }
  }

  /**
   * A public listener: the whole request head is bounded (10 s for the request line after the
   * connection went idle, 10 s more for the headers), so a slow client cannot hold a connection.
   */
  public static ListenerSettings publicDefaults(int maxTcpConnections) {
    return new ListenerSettings(
        true, maxTcpConnections, Duration.ofSeconds(10), Duration.ofSeconds(10));
  }

  /**
   * A private listener: headers bounded as on public ones; kept-alive connections of the other
   * server's HTTP client may stay idle for Helidon's usual 5 minutes (closing them sooner races
   * with the client reusing them).
   */
  public static ListenerSettings internalDefaults(int maxTcpConnections) {
    return new ListenerSettings(
        true, maxTcpConnections, Duration.ofSeconds(10), Duration.ofMinutes(5));
  }

  /** Reads the keys of one listener's section; absent keys keep {@code defaults}. */
  public static ListenerSettings from(Config listener, ListenerSettings defaults) {
    return new ListenerSettings(
        listener.get("tcp-no-delay").asBoolean().orElse(defaults.tcpNoDelay()),
        listener.get("max-tcp-connections").asInt().orElse(defaults.maxTcpConnections()),
        listener
            .get("request-head-timeout")
            .as(Duration.class)
            .orElse(defaults.requestHeadTimeout()),
        listener.get("http-idle-timeout").as(Duration.class).orElse(defaults.httpIdleTimeout()));
  }

  public ListenerSettings withTcpNoDelay(boolean on) {
    return new ListenerSettings(on, maxTcpConnections, requestHeadTimeout, httpIdleTimeout);
  }

  public ListenerSettings withMaxTcpConnections(int n) {
    return new ListenerSettings(tcpNoDelay, n, requestHeadTimeout, httpIdleTimeout);
  }

  public ListenerSettings withRequestHeadTimeout(Duration d) {
    return new ListenerSettings(tcpNoDelay, maxTcpConnections, d, httpIdleTimeout);
  }

  public ListenerSettings withHttpIdleTimeout(Duration d) {
    return new ListenerSettings(tcpNoDelay, maxTcpConnections, requestHeadTimeout, d);
  }

  /**
   * Applies these settings to a listener (or to a web server builder, for its default listener),
   * including its one HTTP/1 protocol configuration, with {@code receiveListeners} added to it. Add
   * no other {@code Http1Config} to the listener: Helidon makes one HTTP/1 connection selector per
   * configuration and only the first one ever serves, so another one's listeners never run. Add
   * WebSocket and other upgrade protocols separately.
   */
  public <B extends ListenerConfig.BuilderBase<?, ?>> B applyTo(
      B listener, Http1ConnectionListener... receiveListeners) {
    return applyTo(listener, List.of(), receiveListeners);
  }

  /**
   * {@link #applyTo(ListenerConfig.BuilderBase, Http1ConnectionListener...)} with HTTP/1 upgrades
   * handled by {@code upgraders} (before routing, as Helidon does for every upgrade): they get an
   * HTTP/1 connection selector of their own with the same configuration, which Helidon tries before
   * the ones it makes itself.
   */
  public <B extends ListenerConfig.BuilderBase<?, ?>> B applyTo(
      B listener, List<Http1Upgrader> upgraders, Http1ConnectionListener... receiveListeners) {
    List<Http1ConnectionListener> all = new ArrayList<>();
    all.add(new RequestHeadDeadline(requestHeadTimeout));
    all.addAll(List.of(receiveListeners));
    Http1Config http1 =
        Http1Config.builder().addReceiveListener(Http1ListenerChain.of(all)).build();
    listener
        .connectionOptions(SocketOptions.builder().tcpNoDelay(tcpNoDelay).build())
        .maxTcpConnections(maxTcpConnections)
        .idleConnectionTimeout(httpIdleTimeout)
        .idleConnectionPeriod(checkPeriod(httpIdleTimeout))
        .addProtocol(http1);
    if (!upgraders.isEmpty()) {
      Http1ConnectionSelectorConfig.Builder selector =
          Http1ConnectionSelector.builder().config(http1);
      upgraders.forEach(selector::addUpgrader);
      listener.addConnectionSelector(selector.build());
    }
    return listener;
  }

  /**
   * Gives {@code listener} a {@link #RECEIVE_BUFFER} receive buffer instead of Helidon's 4 KiB. For
   * listeners whose clients send bulk data (agents' tunnels, the relay link). Such a listener must
   * not answer early and close with a large body unread (the kernel would reset the connection and
   * the client could lose the answer): the signature filter drains a bounded over-limit body.
   */
  public static <B extends ListenerConfig.BuilderBase<?, ?>> B bulkReceiveBuffer(B listener) {
    listener.putListenerSocketOption(StandardSocketOptions.SO_RCVBUF, RECEIVE_BUFFER);
    return listener;
  }

  /** Half the timeout (at most a minute), so a connection is closed by 1.5 times it. */
  static Duration checkPeriod(Duration idle) {
    Duration half = idle.dividedBy(2);
    if (half.isZero()) {
      half = Duration.ofMillis(1);
    }
    return half.compareTo(MAX_IDLE_CHECK_PERIOD) < 0 ? half : MAX_IDLE_CHECK_PERIOD;
  }
}
