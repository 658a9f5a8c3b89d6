package io.visiona.api.persistence;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

/** Server-side session records. Every query that takes a user-chosen key is scoped by user. */
public final class SessionRepository {

  private static final String COLUMNS =
      "id_hash, handle, user_id, created_at, last_seen_at, expires_at, user_agent";

  private final Jdbi jdbi;

  public SessionRepository(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  public void insert(SessionRecord s) {
    jdbi.useHandle(
        h ->
            h.createUpdate(
                    "INSERT INTO sessions ("
                        + COLUMNS
                        + ") VALUES (:idHash, :handle, :userId, :createdAt, :lastSeenAt,"
                        + " :expiresAt, :userAgent)")
                .bindMethods(s)
                .execute());
  }

  public Optional<SessionRecord> find(String idHash) {
    return jdbi.withHandle(
        h ->
            h.createQuery("SELECT " + COLUMNS + " FROM sessions WHERE id_hash = :h")
                .bind("h", idHash)
                .map(SessionRepository::map)
                .findOne());
  }

  public void touch(String idHash, long now) {
    jdbi.useHandle(
        h ->
            h.createUpdate("UPDATE sessions SET last_seen_at = :now WHERE id_hash = :h")
                .bind("now", now)
                .bind("h", idHash)
                .execute());
  }

  public boolean delete(String idHash) {
    return jdbi.withHandle(
            h ->
                h.createUpdate("DELETE FROM sessions WHERE id_hash = :h")
                    .bind("h", idHash)
                    .execute())
        > 0;
  }

  /** Deletes the user's session named by {@code handle}; false when the user has none by it. */
  public boolean deleteByHandle(long userId, String handle) {
    return jdbi.withHandle(
            h ->
                h.createUpdate("DELETE FROM sessions WHERE user_id = :u AND handle = :handle")
                    .bind("u", userId)
                    .bind("handle", handle)
                    .execute())
        > 0;
  }

  public int deleteAllForUser(long userId) {
    return jdbi.withHandle(
        h -> h.createUpdate("DELETE FROM sessions WHERE user_id = :u").bind("u", userId).execute());
  }

  /** The user's sessions, most recently used first. */
  public List<SessionRecord> listForUser(long userId) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT "
                        + COLUMNS
                        + " FROM sessions WHERE user_id = :u ORDER BY last_seen_at DESC, handle")
                .bind("u", userId)
                .map(SessionRepository::map)
                .list());
  }

  /** Deletes the user's least recently used sessions so that at most {@code keep} remain. */
  public int trimForUser(long userId, int keep) {
    return jdbi.inTransaction(
        h -> {
          List<String> excess =
              h.createQuery(
                      "SELECT id_hash FROM sessions WHERE user_id = :u"
                          + " ORDER BY last_seen_at DESC, created_at DESC, handle"
                          + " OFFSET :keep ROWS")
                  .bind("u", userId)
                  .bind("keep", keep)
                  .mapTo(String.class)
                  .list();
          int n = 0;
          for (String idHash : excess) {
            n +=
                h.createUpdate("DELETE FROM sessions WHERE id_hash = :h")
                    .bind("h", idHash)
                    .execute();
          }
          return n;
        });
  }

  /** Deletes sessions past their absolute expiry or idle since before {@code idleCutoff}. */
  public int deleteExpired(long now, long idleCutoff) {
    return jdbi.withHandle(
        h ->
            h.createUpdate("DELETE FROM sessions WHERE expires_at <= :now OR last_seen_at < :idle")
                .bind("now", now)
                .bind("idle", idleCutoff)
                .execute());
  }

  private static SessionRecord map(ResultSet rs, StatementContext ctx) throws SQLException {
    return new SessionRecord(
        rs.getString("id_hash"),
        rs.getString("handle"),
        rs.getLong("user_id"),
        rs.getLong("created_at"),
        rs.getLong("last_seen_at"),
        rs.getLong("expires_at"),
        rs.getString("user_agent"));
  }
}
