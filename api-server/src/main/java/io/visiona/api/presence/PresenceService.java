package io.visiona.api.presence;

import java.net.URI;
import java.time.Clock;
import java.util.List;

/**
 * What remote-proxy replicas report (ADR 0028): heartbeats that register a replica and renew the
 * lease of all of its tunnels, and batches of tunnel events. Older connections that lost to a newer
 * one elsewhere are fenced after the transaction.
 */
public final class PresenceService {

  /** Most events in one call (the contract's limit). */
  public static final int MAX_EVENTS = 1000;

  private final PresenceRepository repository;
  private final TunnelCloser closer;
  private final PresenceSettings settings;
  private final Clock clock;

  public PresenceService(
      PresenceRepository repository, TunnelCloser closer, PresenceSettings settings, Clock clock) {
    this.repository = repository;
    this.closer = closer;
    this.settings = settings;
    this.clock = clock;
  }

  /** Registers or renews the replica; the lease it got, in milliseconds. */
  public long heartbeat(String replica, String boot, URI internalUrl, int tunnels) {
    long now = clock.millis();
    long lease = settings.replicaLease().toMillis();
    repository.heartbeat(replica, boot, internalUrl, tunnels, now, now + lease);
    return lease;
  }

  /** Applies the events; the replica's connections it must close. */
  public List<PresenceRepository.Closing> events(
      String replica, String boot, List<PresenceEvent> events) throws StaleBootException {
    PresenceRepository.Applied applied = repository.apply(replica, boot, events, clock.millis());
    closer.fence(applied.fences());
    return applied.close();
  }

  public PresenceRepository repository() {
    return repository;
  }

  public TunnelCloser closer() {
    return closer;
  }

  public PresenceSettings settings() {
    return settings;
  }
}
