package io.visiona.api.relay;

import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.visiona.api.presence.PresenceRepository;
import io.visiona.api.presence.PresenceSettings;
import io.visiona.server.ReadinessCheck;
import io.visiona.server.signing.SignedHttpRequests;
import io.visiona.tunnel.Stream;
import java.net.URI;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One {@link RelayLink} per live remote-proxy replica (ADR 0028): every {@code
 * api.presence.refresh-interval} the replicas registered in {@code proxy_replicas} are read; a link
 * is opened to each live one and closed once its replica has been dead for longer than a lease (or
 * moved to another URL). {@link #open} sends a device's relay stream over the link of the replica
 * that holds its tunnel, as the device's live presence row says.
 */
public final class RelayLinks implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(RelayLinks.class.getName());

  /** More replicas than this are not linked (and a warning is logged): a bound, not a plan. */
  static final int MAX_LINKS = 1024;

  private final RelaySettings settings;
  private final PresenceRepository presence;
  private final PresenceSettings presenceSettings;
  private final Optional<SignedHttpRequests> signer;
  private final Clock clock;
  private final Map<String, RelayLink> links = new ConcurrentHashMap<>();
  private final ReentrantLock refreshing = new ReentrantLock();
  private final CountDownLatch stop = new CountDownLatch(1);
  private Thread refresher;

  public RelayLinks(
      RelaySettings settings,
      PresenceRepository presence,
      PresenceSettings presenceSettings,
      Optional<SignedHttpRequests> signer,
      Clock clock) {
    this.settings = settings;
    this.presence = presence;
    this.presenceSettings = presenceSettings;
    this.signer = signer;
    this.clock = clock;
  }

  /** Refreshes now, then every refresh interval in the background. */
  public RelayLinks start() {
    if (signer.isEmpty()) {
      LOG.warning("relay links disabled: no signing keys (api.signing.keys.api-to-proxy)");
    }
    refresher = Thread.ofVirtual().name("relay-links").start(this::refreshLoop);
    return this;
  }

  private void refreshLoop() {
    do {
      try {
        refresh();
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "could not read the proxy replicas", e);
      }
      try {
        if (stop.await(presenceSettings.refreshInterval().toMillis(), TimeUnit.MILLISECONDS)) {
          return;
        }
      } catch (InterruptedException e) {
        return;
      }
    } while (true);
  }

  /** Matches the links to the registered replicas once. */
  public void refresh() {
    if (signer.isEmpty()) {
      return;
    }
    refreshing.lock();
    try {
      if (stop.getCount() == 0) {
        return;
      }
      long now = clock.millis();
      long lease = presenceSettings.replicaLease().toMillis();
      Map<String, PresenceRepository.Replica> replicas = new TreeMap<>();
      presence.replicas().forEach(r -> replicas.put(r.id(), r));
      for (RelayLink link : links.values()) {
        PresenceRepository.Replica r = replicas.get(link.replica());
        boolean gone = r == null || r.leaseExpiresAt() + lease <= now;
        if (gone || !link.linkUrl().equals(linkUrl(r.internalUrl()))) {
          LOG.info("relay link to replica " + link.replica() + " closed (replica gone or moved)");
          links.remove(link.replica());
          link.close();
        }
      }
      for (PresenceRepository.Replica r : replicas.values()) {
        if (!r.liveAt(now) || links.containsKey(r.id())) {
          continue;
        }
        if (links.size() >= MAX_LINKS) {
          LOG.warning("more than " + MAX_LINKS + " live proxy replicas; " + r.id() + " not linked");
          continue;
        }
        links.put(
            r.id(), new RelayLink(settings, r.id(), linkUrl(r.internalUrl()), signer).start());
      }
    } finally {
      refreshing.unlock();
    }
  }

  /** The relay link endpoint of a replica's internal listener: same place, ws scheme. */
  static URI linkUrl(URI internalUrl) {
    String scheme = "https".equals(internalUrl.getScheme()) ? "wss" : "ws";
    String path = internalUrl.getRawPath() == null ? "" : internalUrl.getRawPath();
    if (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    return URI.create(scheme + "://" + internalUrl.getRawAuthority() + path + "/internal/link");
  }

  /**
   * A relay stream to {@code deviceId}'s box over the link of the replica that holds its tunnel;
   * {@link RelayException.Reason#DEVICE_OFFLINE} when no live presence names one.
   */
  public Stream open(String deviceId) throws RelayException {
    Optional<PresenceRepository.Live> live = presence.live(deviceId, clock.millis());
    if (live.isEmpty()) {
      throw new RelayException(RelayException.Reason.DEVICE_OFFLINE, "device is not connected");
    }
    String replica = live.get().replicaId();
    RelayLink link = links.get(replica);
    if (link == null) {
      refresh(); // a replica registered since the last refresh
      link = links.get(replica);
    }
    if (link == null) {
      throw new RelayException(
          RelayException.Reason.RELAY_UNAVAILABLE, "no relay link to proxy replica " + replica);
    }
    return link.open(deviceId);
  }

  /** The current links by replica id. */
  public Map<String, RelayLink> links() {
    return Map.copyOf(links);
  }

  /** True while at least one link is up. */
  public boolean connected() {
    return links.values().stream().anyMatch(RelayLink::connected);
  }

  /** True while the link to {@code replica} is up. */
  public boolean connected(String replica) {
    RelayLink link = links.get(replica);
    return link != null && link.connected();
  }

  /** Relay streams open over all links. */
  public int openStreams() {
    return links.values().stream().mapToInt(RelayLink::openStreams).sum();
  }

  /** Link connections so far, over the current links. */
  public long connects() {
    return links.values().stream().mapToLong(RelayLink::connects).sum();
  }

  /** Bytes received ({@code in}) or sent over the current links. */
  public long bytes(boolean in) {
    return links.values().stream().mapToLong(l -> l.bytes(in)).sum();
  }

  /**
   * Readiness check {@code relay-links}: one detail per replica (connected since, or the last
   * failure); stays UP without links, since the api-server serves everything but device access
   * without a proxy.
   */
  public HealthCheck readiness() {
    return new ReadinessCheck(
        "relay-links",
        () -> {
          HealthCheckResponse.Builder b =
              HealthCheckResponse.builder().status(true).detail("connected", connected());
          new TreeMap<>(links).forEach((id, link) -> b.detail("replica " + id, link.describe()));
          if (signer.isEmpty()) {
            b.detail("last_failure", "no signing keys (api.signing.keys.api-to-proxy)");
          }
          return b.build();
        });
  }

  @Override
  public void close() {
    stop.countDown();
    refreshing.lock();
    try {
      links.values().forEach(RelayLink::close);
      links.clear();
    } finally {
      refreshing.unlock();
    }
    if (refresher != null) {
      try {
        refresher.join(java.time.Duration.ofSeconds(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
