package io.visiona.server.listener;

import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.webserver.WebServer;
import io.visiona.server.ReadinessCheck;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Readiness that goes DOWN when a listener of the server no longer accepts connections.
 *
 * <p>When {@code accept()} fails (for example with {@code EMFILE}, too many open files) Helidon 4.2
 * logs "this server socket is terminating now", closes the listening socket and stops that listener
 * for good, while the process and its other listeners go on. Helidon tells nobody: its listener
 * thread then waits for itself to finish (a self-join in {@code ServerListener.stop}), so the
 * {@code afterStop} callbacks never run. The check therefore connects to each listener, as a client
 * would: a refused connection means the listener is gone (for good: it stays DOWN). A listener at
 * its connection limit still completes the TCP handshake from its backlog, so a busy listener is
 * not mistaken for a dead one.
 */
public final class ListenerProbe {

  private static final Logger LOG = Logger.getLogger(ListenerProbe.class.getName());
  private static final int CONNECT_TIMEOUT_MILLIS = 1000;

  private record Target(WebServer server, String socket, InetAddress address) {
    /** The listener's address, or empty while the server is not running. */
    Optional<InetSocketAddress> socketAddress() {
      int port = server.port(socket);
      return port > 0 ? Optional.of(new InetSocketAddress(address, port)) : Optional.empty();
    }
  }

  private final Map<String, Target> listeners = new ConcurrentHashMap<>();
  private final Set<String> dead = ConcurrentHashMap.newKeySet();

  /**
   * Watches listener {@code socket} of {@code server} (started or not yet), bound to {@code host};
   * a wildcard address is probed on loopback.
   */
  public ListenerProbe watch(WebServer server, String socket, String host) {
    listeners.put(socket, new Target(server, socket, probeAddress(host)));
    return this;
  }

  private static InetAddress probeAddress(String host) {
    try {
      InetAddress a = InetAddress.getByName(host);
      return a.isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : a;
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("listener host " + host + " does not resolve", e);
    }
  }

  /** Readiness check {@code listeners}: UP while every watched listener accepts connections. */
  public HealthCheck readiness() {
    return new ReadinessCheck(
        "listeners",
        () -> {
          Map<String, String> state = new TreeMap<>();
          listeners.forEach(
              (socket, target) ->
                  state.put(
                      socket, target.socketAddress().map(a -> probe(socket, a)).orElse("DOWN")));
          HealthCheckResponse.Builder r =
              HealthCheckResponse.builder().status(!state.containsValue("DOWN"));
          state.forEach(r::detail);
          return r.build();
        });
  }

  private String probe(String socket, InetSocketAddress address) {
    if (dead.contains(socket)) {
      return "DOWN";
    }
    try (Socket s = new Socket()) {
      s.setTcpNoDelay(true);
      s.connect(address, CONNECT_TIMEOUT_MILLIS);
      return "UP";
    } catch (ConnectException refused) {
      if (dead.add(socket)) {
        LOG.severe(
            "listener '" + socket + "' on " + address + " stopped accepting; readiness DOWN");
      }
      return "DOWN";
    } catch (IOException e) {
      // A timeout: the backlog is full, the listener is overloaded but alive.
      return "UP";
    }
  }
}
