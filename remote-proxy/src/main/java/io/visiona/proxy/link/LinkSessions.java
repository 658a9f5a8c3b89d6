package io.visiona.proxy.link;

import io.visiona.proxy.ws.YamuxWebSocket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The live relay-link connections (normally one or two: one per api-server instance). */
public final class LinkSessions {

  private final Set<YamuxWebSocket> connections = ConcurrentHashMap.newKeySet();

  void add(YamuxWebSocket c) {
    connections.add(c);
  }

  void remove(YamuxWebSocket c) {
    connections.remove(c);
  }

  public int size() {
    return connections.size();
  }

  /** Streams open over all link sessions. */
  public int openStreams() {
    int n = 0;
    for (YamuxWebSocket c : connections) {
      n += c.session().stats().openStreams();
    }
    return n;
  }

  /** Snapshot of the live connections. */
  public List<YamuxWebSocket> all() {
    return List.copyOf(connections);
  }

  public void closeAll() {
    connections.forEach(YamuxWebSocket::close);
  }
}
