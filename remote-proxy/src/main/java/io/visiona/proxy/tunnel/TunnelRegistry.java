package io.visiona.proxy.tunnel;

import io.visiona.tunnel.Stream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The live tunnels, one per device, at most {@code maxAgents}. A new tunnel for a device replaces
 * the old one, which gets GoAway and is closed. Every tunnel gets a connection id unique within
 * this process ({@code c-<serial>}).
 */
public final class TunnelRegistry {

  /** What {@link #register} did. */
  public enum Outcome {
    ADDED,
    REPLACED,
    FULL
  }

  private final int maxAgents;
  private final ConcurrentHashMap<String, AgentTunnel> tunnels = new ConcurrentHashMap<>();
  private final ReentrantLock registration = new ReentrantLock();
  private final List<TunnelListener> listeners = new CopyOnWriteArrayList<>();
  private final AtomicLong connectionSerial = new AtomicLong();

  public TunnelRegistry(int maxAgents) {
    if (maxAgents <= 0) {
      throw new IllegalArgumentException("max agents must be positive");
    }
    this.maxAgents = maxAgents;
  }

  public int maxAgents() {
    return maxAgents;
  }

  /** Told of each tunnel that enters or leaves the registry (closed, lost or replaced). */
  public void listen(TunnelListener listener) {
    listeners.add(listener);
  }

  /** A new connection id, never handed out before by this registry. */
  public String newConnectionId() {
    return "c-" + connectionSerial.incrementAndGet();
  }

  /** True if a tunnel for {@code deviceId} would be taken now (a replacement always is). */
  public boolean hasRoomFor(String deviceId) {
    return tunnels.size() < maxAgents || tunnels.containsKey(deviceId);
  }

  public Outcome register(AgentTunnel tunnel) {
    AgentTunnel old;
    registration.lock();
    try {
      old = tunnels.get(tunnel.deviceId());
      if (old == null && tunnels.size() >= maxAgents) {
        return Outcome.FULL;
      }
      tunnels.put(tunnel.deviceId(), tunnel);
      // Under the lock, so that listeners see a device's departures and arrivals in order.
      if (old != null) {
        listeners.forEach(l -> l.disconnected(old));
      }
      listeners.forEach(l -> l.connected(tunnel));
    } finally {
      registration.unlock();
    }
    if (old == null) {
      return Outcome.ADDED;
    }
    old.close();
    return Outcome.REPLACED;
  }

  /** Removes {@code tunnel} if it is still the device's current one. */
  public void remove(AgentTunnel tunnel) {
    registration.lock();
    try {
      if (tunnels.remove(tunnel.deviceId(), tunnel)) {
        listeners.forEach(l -> l.disconnected(tunnel));
      }
    } finally {
      registration.unlock();
    }
  }

  public Optional<AgentTunnel> find(String deviceId) {
    return Optional.ofNullable(tunnels.get(deviceId));
  }

  /** Snapshot, ordered by device id. */
  public List<AgentTunnel> list() {
    List<AgentTunnel> all = new ArrayList<>(tunnels.values());
    all.sort(Comparator.comparing(AgentTunnel::deviceId));
    return all;
  }

  public Collection<AgentTunnel> live() {
    return tunnels.values();
  }

  /**
   * The live tunnels, taken under the registration lock: every tunnel a listener was told of before
   * is in it unless the listener was told of its departure too.
   */
  public List<AgentTunnel> snapshot() {
    registration.lock();
    try {
      return List.copyOf(tunnels.values());
    } finally {
      registration.unlock();
    }
  }

  public int size() {
    return tunnels.size();
  }

  /** Closes the device's tunnel; false if it had none. */
  public boolean close(String deviceId) {
    AgentTunnel t = tunnels.get(deviceId);
    if (t == null) {
      return false;
    }
    remove(t);
    t.close();
    return true;
  }

  /**
   * Closes the device's tunnel only if it is connection {@code connectionId} (a fence for an older
   * connection never closes a newer one); false if it is not there.
   */
  public boolean close(String deviceId, String connectionId) {
    AgentTunnel t = tunnels.get(deviceId);
    if (t == null || !t.connectionId().equals(connectionId)) {
      return false;
    }
    remove(t);
    t.close();
    return true;
  }

  /** Opens a stream to the device's agent. */
  public Stream openStream(String deviceId) throws TunnelException {
    AgentTunnel t = tunnels.get(deviceId);
    if (t == null) {
      throw new TunnelException(TunnelException.DISCONNECTED, "device is not connected", null);
    }
    return t.openStream();
  }

  /** Streams open over all tunnels. */
  public int openStreams() {
    int n = 0;
    for (AgentTunnel t : tunnels.values()) {
      n += t.stats().openStreams();
    }
    return n;
  }

  /** Shutdown: removes every tunnel and returns them, for the caller to close. */
  public List<AgentTunnel> removeAll() {
    List<AgentTunnel> all = List.copyOf(tunnels.values());
    all.forEach(this::remove);
    return all;
  }

  /** Closes every tunnel. */
  public void closeAll() {
    removeAll().forEach(AgentTunnel::close);
  }
}
