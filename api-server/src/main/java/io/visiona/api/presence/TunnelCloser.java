package io.visiona.api.presence;

import io.visiona.api.proxy.ProxyClient;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * Ends tunnels on the replica that holds them: a device's tunnel (deletion, revocation, rotation)
 * on the replica named by its live presence, or on every live replica when none is; and a fenced
 * older connection on its replica, in the background, outside the transaction that decided it.
 * Every call is bounded by {@code api.proxy.timeout}; background calls by a cap on those in flight.
 */
public final class TunnelCloser {

  private static final Logger LOG = Logger.getLogger(TunnelCloser.class.getName());

  private final PresenceRepository presence;
  private final ProxyClient proxy;
  private final Clock clock;
  private final Duration timeout;
  private final Semaphore inFlight;

  public TunnelCloser(
      PresenceRepository presence,
      ProxyClient proxy,
      Clock clock,
      Duration timeout,
      int maxInFlight) {
    this.presence = presence;
    this.proxy = proxy;
    this.clock = clock;
    this.timeout = timeout;
    this.inFlight = new Semaphore(maxInFlight);
  }

  /** Where the device's tunnel may be: its live replica, else every live replica. */
  public List<URI> whereIs(String deviceId) {
    return whereIs(presence.live(deviceId, clock.millis()));
  }

  private List<URI> whereIs(Optional<PresenceRepository.Live> live) {
    if (live.isPresent()) {
      return List.of(live.get().internalUrl());
    }
    long now = clock.millis();
    return presence.replicas().stream()
        .filter(r -> r.liveAt(now))
        .map(PresenceRepository.Replica::internalUrl)
        .toList();
  }

  /**
   * Ends the device's tunnel (revocation, rotation) and, once its replica has confirmed, takes it
   * off the presence table at once: the replica's disconnect event comes later, batched, and the
   * next read must already show the device offline. A newer connection that replaced the closed one
   * meanwhile keeps its row.
   */
  public void end(String deviceId) {
    Optional<PresenceRepository.Live> live = presence.live(deviceId, clock.millis());
    if (close(whereIs(live), deviceId)) {
      live.ifPresent(presence::ended);
    }
  }

  /**
   * Ends the device's tunnel at every one of {@code where}, in parallel; waits at most the timeout.
   *
   * @return whether every replica confirmed in time
   */
  public boolean close(List<URI> where, String deviceId) {
    List<Thread> calls = new ArrayList<>();
    AtomicBoolean confirmed = new AtomicBoolean(true);
    for (URI replica : where) {
      calls.add(
          Thread.ofVirtual()
              .name("close-tunnel")
              .start(
                  () -> {
                    if (!proxy.closeSession(replica, deviceId, Optional.empty())) {
                      confirmed.set(false);
                    }
                  }));
    }
    long deadline = System.nanoTime() + timeout.multipliedBy(2).toNanos();
    for (Thread t : calls) {
      try {
        long left = deadline - System.nanoTime();
        if (left <= 0 || !t.join(Duration.ofNanos(left))) {
          LOG.warning("ending the tunnel of device " + deviceId + " did not finish in time");
          return false;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return confirmed.get();
  }

  /** Tells each fenced connection's replica to close it; best effort, in the background. */
  public void fence(List<PresenceRepository.Fence> fences) {
    for (PresenceRepository.Fence f : fences) {
      if (!inFlight.tryAcquire()) {
        LOG.warning(
            "too many fence calls in flight; not closing connection "
                + f.connectionId()
                + " of device "
                + f.deviceId()
                + " on replica "
                + f.replicaId());
        continue;
      }
      Thread.ofVirtual()
          .name("fence")
          .start(
              () -> {
                try {
                  boolean done =
                      proxy.closeSession(
                          f.internalUrl(), f.deviceId(), Optional.of(f.connectionId()));
                  LOG.info(
                      "device "
                          + f.deviceId()
                          + " connected elsewhere: replica "
                          + f.replicaId()
                          + " told to close connection "
                          + f.connectionId()
                          + (done ? "" : " (no answer)"));
                } finally {
                  inFlight.release();
                }
              });
    }
  }
}
