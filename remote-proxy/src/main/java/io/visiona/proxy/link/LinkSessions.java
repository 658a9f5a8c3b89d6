package io.visiona.proxy.link;

import io.visiona.tunnel.Session;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The live relay-link sessions (normally one or two: one per api-server instance). */
public final class LinkSessions {

  private final Set<Session> sessions = ConcurrentHashMap.newKeySet();

  void add(Session s) {
    sessions.add(s);
  }

  void remove(Session s) {
    sessions.remove(s);
  }

  public int size() {
    return sessions.size();
  }

  /** Streams open over all link sessions. */
  public int openStreams() {
    int n = 0;
    for (Session s : sessions) {
      n += s.stats().openStreams();
    }
    return n;
  }

  public void closeAll() {
    sessions.forEach(Session::close);
  }
}
