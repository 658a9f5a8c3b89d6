package io.visiona.api.presence;

import java.net.URI;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * {@code proxy_replicas} and {@code device_presence} (ADR 0028). Each call is one transaction whose
 * decisions are made under row locks ({@code SELECT ... FOR UPDATE} on the replica and on every
 * device it touches, devices in id order so two calls never wait on each other in a cycle), so two
 * api-servers applying events of two proxies for the same device serialise on that device's row.
 */
public final class PresenceRepository {

  /** A registered remote-proxy replica. */
  public record Replica(String id, String boot, URI internalUrl, int tunnels, long leaseExpiresAt) {
    public boolean liveAt(long now) {
      return leaseExpiresAt > now;
    }
  }

  /** A device's live presence: the replica holding its tunnel. */
  public record Live(
      String deviceId,
      String replicaId,
      URI internalUrl,
      String connectionId,
      long connectedAt,
      long epoch) {}

  /** A tunnel a replica must close. */
  public record Closing(String deviceId, String connectionId) {}

  /**
   * A live tunnel on another replica replaced by a newer connect: that replica is told to close it.
   */
  public record Fence(String deviceId, String connectionId, String replicaId, URI internalUrl) {}

  /** The answer to one batch of events. */
  public record Applied(List<Closing> close, List<Fence> fences) {}

  private record Row(
      String replicaId, String boot, String connectionId, long connectedAt, long epoch) {

    boolean names(String replica, String boot, String connection) {
      return replicaId.equals(replica) && this.boot.equals(boot) && connectionId.equals(connection);
    }
  }

  private static final String INSERT_PRESENCE =
      "INSERT INTO device_presence (device_id, replica_id, boot, connection_id, connected_at,"
          + " epoch, updated_at) VALUES (:d, :r, :b, :c, :at, :epoch, :now)";
  private static final String UPDATE_PRESENCE =
      "UPDATE device_presence SET replica_id = :r, boot = :b, connection_id = :c,"
          + " connected_at = :at, epoch = :epoch, updated_at = :now WHERE device_id = :d";

  /** Transient failures (a concurrent insert, a deadlock victim) are retried this often. */
  private static final int ATTEMPTS = 4;

  private final Jdbi jdbi;

  public PresenceRepository(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /**
   * Registers or renews a replica: lease until {@code leaseExpiresAt}. A new boot for a known id
   * replaces the old one and deletes the old boot's presence rows (dead from now on anyway).
   */
  public void heartbeat(
      String replica, String boot, URI internalUrl, int tunnels, long now, long leaseExpiresAt) {
    retrying(
        () ->
            jdbi.inTransaction(
                h -> {
                  Optional<String> oldBoot =
                      h.createQuery("SELECT boot FROM proxy_replicas WHERE id = :id FOR UPDATE")
                          .bind("id", replica)
                          .mapTo(String.class)
                          .findOne();
                  String sql =
                      oldBoot.isEmpty()
                          ? "INSERT INTO proxy_replicas"
                              + " (id, boot, internal_url, tunnels, lease_expires_at, updated_at)"
                              + " VALUES (:id, :boot, :url, :tunnels, :lease, :now)"
                          : "UPDATE proxy_replicas SET boot = :boot, internal_url = :url,"
                              + " tunnels = :tunnels, lease_expires_at = :lease, updated_at = :now"
                              + " WHERE id = :id";
                  h.createUpdate(sql)
                      .bind("id", replica)
                      .bind("boot", boot)
                      .bind("url", internalUrl.toString())
                      .bind("tunnels", tunnels)
                      .bind("lease", leaseExpiresAt)
                      .bind("now", now)
                      .execute();
                  if (oldBoot.isPresent() && !oldBoot.get().equals(boot)) {
                    h.createUpdate(
                            "DELETE FROM device_presence WHERE replica_id = :id AND boot <> :boot")
                        .bind("id", replica)
                        .bind("boot", boot)
                        .execute();
                  }
                  return null;
                }));
  }

  /**
   * Applies one replica's events in order, in one transaction (contract: connect accepted when
   * there is no live row, or it is newer, or the same connection again; disconnect deletes only its
   * own row; unknown devices are ignored and their connection closed).
   */
  public Applied apply(String replica, String boot, List<PresenceEvent> events, long now)
      throws StaleBootException {
    try {
      return retrying(() -> jdbi.inTransaction(h -> applyIn(h, replica, boot, events, now)));
    } catch (StaleBootRuntime e) {
      throw new StaleBootException(replica, boot);
    }
  }

  private Applied applyIn(
      Handle h, String replica, String boot, List<PresenceEvent> events, long now) {
    Optional<String> current =
        h.createQuery("SELECT boot FROM proxy_replicas WHERE id = :id FOR UPDATE")
            .bind("id", replica)
            .mapTo(String.class)
            .findOne();
    if (current.isEmpty() || !current.get().equals(boot)) {
      throw new StaleBootRuntime();
    }
    // Known devices and their last epoch, locked in id order (no lock cycles between replicas).
    // One statement: the rows are locked as the sort hands them out.
    Map<String, Long> epochs = new HashMap<>();
    Set<String> devices = new TreeSet<>();
    events.forEach(e -> devices.add(e.device()));
    h.createQuery(
            "SELECT id, presence_epoch FROM devices WHERE id IN (<ids>) ORDER BY id FOR UPDATE")
        .bindList("ids", List.copyOf(devices))
        .map((rs, ctx) -> Map.entry(rs.getString("id"), rs.getLong("presence_epoch")))
        .forEach(entry -> epochs.put(entry.getKey(), entry.getValue()));
    Map<String, Optional<Replica>> replicas = new HashMap<>();
    List<Closing> close = new ArrayList<>();
    List<Fence> fences = new ArrayList<>();
    for (PresenceEvent e : events) {
      if (!epochs.containsKey(e.device())) {
        if (e.type() == PresenceEvent.Type.CONNECT) {
          close.add(new Closing(e.device(), e.connection()));
        }
        continue;
      }
      // Looked up and deleted by the primary key alone: with all four columns in the WHERE clause
      // PostgreSQL, before its statistics catch up, scans the (replica, boot) index instead, every
      // row of the replica for each event.
      Optional<Row> row =
          h.createQuery(
                  "SELECT replica_id, boot, connection_id, connected_at, epoch"
                      + " FROM device_presence WHERE device_id = :d")
              .bind("d", e.device())
              .map(PresenceRepository::mapRow)
              .findOne();
      if (e.type() == PresenceEvent.Type.DISCONNECT) {
        if (row.isPresent() && row.get().names(replica, boot, e.connection())) {
          h.createUpdate("DELETE FROM device_presence WHERE device_id = :d")
              .bind("d", e.device())
              .execute();
        }
        continue;
      }
      if (row.isEmpty()) {
        accept(h, INSERT_PRESENCE, e, replica, boot, nextEpoch(h, e.device(), epochs), now);
        continue;
      }
      Row old = row.get();
      boolean sameReplica = old.replicaId().equals(replica) && old.boot().equals(boot);
      if (old.names(replica, boot, e.connection())) {
        continue; // a retried connect: already accepted
      }
      Optional<Replica> holder = replicas.computeIfAbsent(old.replicaId(), id -> replica(h, id));
      boolean oldLive =
          holder.isPresent() && holder.get().boot().equals(old.boot()) && holder.get().liveAt(now);
      if (oldLive && !newer(e, replica, old)) {
        close.add(new Closing(e.device(), e.connection()));
        continue;
      }
      accept(h, UPDATE_PRESENCE, e, replica, boot, nextEpoch(h, e.device(), epochs), now);
      if (oldLive && !sameReplica) {
        fences.add(
            new Fence(e.device(), old.connectionId(), old.replicaId(), holder.get().internalUrl()));
      }
    }
    return new Applied(List.copyOf(close), List.copyOf(fences));
  }

  /**
   * Writes the accepted connect {@code e} as the device's presence row ({@code sql}: new or not).
   */
  private static void accept(
      Handle h, String sql, PresenceEvent e, String replica, String boot, long epoch, long now) {
    h.createUpdate(sql)
        .bind("d", e.device())
        .bind("r", replica)
        .bind("b", boot)
        .bind("c", e.connection())
        .bind("at", e.at())
        .bind("epoch", epoch)
        .bind("now", now)
        .execute();
  }

  /**
   * The device's epoch for a connect just accepted: one more than any before it. It is kept on the
   * device's row, so it never restarts while the device exists (a disconnect deletes only the
   * presence row).
   */
  private static long nextEpoch(Handle h, String device, Map<String, Long> epochs) {
    long epoch = epochs.merge(device, 1L, Long::sum);
    h.createUpdate("UPDATE devices SET presence_epoch = :epoch WHERE id = :d")
        .bind("epoch", epoch)
        .bind("d", device)
        .execute();
    return epoch;
  }

  /** Newest wins: connected-at, then the larger replica id, then the larger connection id. */
  static boolean newer(PresenceEvent e, String replica, Row old) {
    if (e.at() != old.connectedAt()) {
      return e.at() > old.connectedAt();
    }
    int byReplica = replica.compareTo(old.replicaId());
    if (byReplica != 0) {
      return byReplica > 0;
    }
    return e.connection().compareTo(old.connectionId()) > 0;
  }

  /**
   * The tunnel {@code live} names was closed on our request: its row goes now, unless a newer
   * connection has replaced it. The replica's disconnect event, arriving later, finds nothing.
   */
  public void ended(Live live) {
    jdbi.useHandle(
        h ->
            h.createUpdate(
                    "DELETE FROM device_presence WHERE device_id = :d AND replica_id = :r"
                        + " AND connection_id = :c")
                .bind("d", live.deviceId())
                .bind("r", live.replicaId())
                .bind("c", live.connectionId())
                .execute());
  }

  /** The device's live presence, if any. */
  public Optional<Live> live(String deviceId, long now) {
    return jdbi.withHandle(
        h ->
            h.createQuery(LIVE + " AND p.device_id = :d")
                .bind("d", deviceId)
                .bind("now", now)
                .map(PresenceRepository::mapLive)
                .findOne());
  }

  /** The live presence of every device of {@code owner}, by device id. */
  public Map<String, Live> liveForOwner(long owner, long now) {
    Map<String, Live> byDevice = new HashMap<>();
    jdbi.useHandle(
        h ->
            h.createQuery(
                    LIVE + " AND p.device_id IN (SELECT id FROM devices WHERE owner_id = :owner)")
                .bind("owner", owner)
                .bind("now", now)
                .map(PresenceRepository::mapLive)
                .forEach(l -> byDevice.put(l.deviceId(), l)));
    return byDevice;
  }

  /** Every registered replica, live or not. */
  public List<Replica> replicas() {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT id, boot, internal_url, tunnels, lease_expires_at FROM proxy_replicas"
                        + " ORDER BY id")
                .map(PresenceRepository::mapReplica)
                .list());
  }

  private static Optional<Replica> replica(Handle h, String id) {
    return h.createQuery(
            "SELECT id, boot, internal_url, tunnels, lease_expires_at FROM proxy_replicas"
                + " WHERE id = :id")
        .bind("id", id)
        .map(PresenceRepository::mapReplica)
        .findOne();
  }

  private static final String LIVE =
      "SELECT p.device_id, p.replica_id, r.internal_url, p.connection_id, p.connected_at, p.epoch"
          + " FROM device_presence p JOIN proxy_replicas r"
          + " ON r.id = p.replica_id AND r.boot = p.boot"
          + " WHERE r.lease_expires_at > :now";

  private static Replica mapReplica(ResultSet rs, StatementContext ctx) throws SQLException {
    return new Replica(
        rs.getString("id"),
        rs.getString("boot"),
        URI.create(rs.getString("internal_url")),
        rs.getInt("tunnels"),
        rs.getLong("lease_expires_at"));
  }

  private static Row mapRow(ResultSet rs, StatementContext ctx) throws SQLException {
    return new Row(
        rs.getString("replica_id"),
        rs.getString("boot"),
        rs.getString("connection_id"),
        rs.getLong("connected_at"),
        rs.getLong("epoch"));
  }

  private static Live mapLive(ResultSet rs, StatementContext ctx) throws SQLException {
    return new Live(
        rs.getString("device_id"),
        rs.getString("replica_id"),
        URI.create(rs.getString("internal_url")),
        rs.getString("connection_id"),
        rs.getLong("connected_at"),
        rs.getLong("epoch"));
  }

  /**
   * A call retried when it lost a race it cannot see in advance (unique key, deadlock, lock wait).
   */
  private static <T> T retrying(java.util.function.Supplier<T> call) {
    for (int attempt = 1; ; attempt++) {
      try {
        return call.get();
      } catch (StaleBootRuntime e) {
        throw e;
      } catch (JdbiException e) {
        if (attempt >= ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  /** Carries the stale boot out of the transaction callback (which rolls back). */
  private static final class StaleBootRuntime extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StaleBootRuntime() {
      super(null, null, false, false);
    }
  }
}
