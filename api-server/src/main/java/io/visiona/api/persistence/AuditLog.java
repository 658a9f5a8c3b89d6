package io.visiona.api.persistence;

import java.time.Clock;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/** Append-only record of security-relevant events (logins, logouts, revocations). */
public final class AuditLog {

  private static final int MAX_DETAIL = 1024;

  private final Jdbi jdbi;
  private final Clock clock;

  public AuditLog(Jdbi jdbi, Clock clock) {
    this.jdbi = jdbi;
    this.clock = clock;
  }

  /** One event; {@code userId} may be null (e.g. a failed login). Never put secrets in detail. */
  public void record(Long userId, String action, String detail) {
    record(userId, action, detail, null);
  }

  /** One event with the client address it came from (the box's or the person's). */
  public void record(Long userId, String action, String detail, String clientAddress) {
    String d = detail == null || detail.length() <= MAX_DETAIL ? detail : detail.substring(0, 1024);
    String a =
        clientAddress == null || clientAddress.length() <= 64
            ? clientAddress
            : clientAddress.substring(0, 64);
    jdbi.useHandle(
        h ->
            h.createUpdate(
                    "INSERT INTO audit_log (occurred_at, user_id, action, detail, client_address)"
                        + " VALUES (:at, :u, :a, :d, :addr)")
                .bind("at", clock.millis())
                .bind("u", userId)
                .bind("a", action)
                .bind("d", d)
                .bind("addr", a)
                .execute());
  }

  /** One page of the user's entries, newest first, with ids below {@code beforeId}. */
  public List<PagedEntry> page(long userId, long beforeId, int limit) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT id, occurred_at, action, detail, client_address FROM audit_log"
                        + " WHERE user_id = :u AND id < :before"
                        + " ORDER BY id DESC FETCH FIRST :n ROWS ONLY")
                .bind("u", userId)
                .bind("before", beforeId)
                .bind("n", limit)
                .map(
                    (rs, ctx) ->
                        new PagedEntry(
                            rs.getLong("id"),
                            rs.getLong("occurred_at"),
                            rs.getString("action"),
                            rs.getString("detail"),
                            rs.getString("client_address")))
                .list());
  }

  /** An entry of {@link #page}. */
  public record PagedEntry(
      long id, long occurredAt, String action, String detail, String clientAddress) {}

  /** Deletes entries older than {@code cutoff} (epoch ms); returns how many. */
  public int pruneOlderThan(long cutoff) {
    return jdbi.withHandle(
        h ->
            h.createUpdate("DELETE FROM audit_log WHERE occurred_at < :t")
                .bind("t", cutoff)
                .execute());
  }

  /** An entry as read back. */
  public record Entry(long occurredAt, Long userId, String action, String detail) {}

  /** The user's most recent events, newest first. */
  public List<Entry> recentForUser(long userId, int limit) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT occurred_at, user_id, action, detail FROM audit_log WHERE user_id = :u"
                        + " ORDER BY occurred_at DESC, id DESC FETCH FIRST :n ROWS ONLY")
                .bind("u", userId)
                .bind("n", limit)
                .map(
                    (rs, ctx) ->
                        new Entry(
                            rs.getLong("occurred_at"),
                            rs.getObject("user_id") == null ? null : rs.getLong("user_id"),
                            rs.getString("action"),
                            rs.getString("detail")))
                .list());
  }
}
