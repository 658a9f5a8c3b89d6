package io.visiona.tunnel;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Whether the peer sent GoAway(normal) (it opens no new streams and accepts none), and who wants to
 * hear of it.
 */
final class PeerGoAway {

  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private volatile boolean received;

  boolean received() {
    return received;
  }

  /** Runs {@code listener} once when the GoAway arrives, at once if it already has. */
  void onReceived(Runnable listener) {
    listeners.add(listener);
    if (received && listeners.remove(listener)) {
      listener.run();
    }
  }

  /** The GoAway arrived: tells every listener, once each. */
  void receivedNow() {
    received = true;
    for (Runnable l : listeners) {
      if (listeners.remove(l)) {
        l.run();
      }
    }
  }
}
