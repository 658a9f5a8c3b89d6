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
