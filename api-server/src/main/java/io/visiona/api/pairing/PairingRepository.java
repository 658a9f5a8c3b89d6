package io.visiona.api.pairing;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * Pairings and wrong-code counts. State changes are compare-and-set updates: each names the state
 * it expects, so of two racing requests exactly one changes the row.
 */
final class PairingRepository {

  private static final String COLUMNS =
      "id, user_code, state, name, model, serial, agent_version, client_address, created_at,"
          + " expires_at, interval_ms, last_poll_at, viewed_by, decided_by, device_name, device_id";

  private final Jdbi jdbi;

  PairingRepository(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  Jdbi jdbi() {
    return jdbi;
  }

  void insert(Pairing p, String deviceCodeHash) {
    jdbi.useHandle(
        h ->
            h.createUpdate(
                    "INSERT INTO pairings (device_code_hash, "
                        + COLUMNS
                        + ") VALUES (:hash, :id, :userCode, :state, :name, :model, :serial,"
                        + " :agentVersion, :clientAddress, :createdAt, :expiresAt, :intervalMs,"
                        + " :lastPollAt, :viewedBy, :decidedBy, :deviceName, :deviceId)")
                .bind("hash", deviceCodeHash)
                .bindMethods(p)
                .bind("state", p.state().name())
                .execute());
  }

  Optional<Pairing> byDeviceCode(String deviceCodeHash) {
    return one("device_code_hash = :k", deviceCodeHash);
  }

  Optional<Pairing> byUserCode(String userCode) {
    return one("user_code = :k", userCode);
  }

  private Optional<Pairing> one(String where, String key) {
    return jdbi.withHandle(
        h ->
            h.createQuery("SELECT " + COLUMNS + " FROM pairings WHERE " + where)
                .bind("k", key)
                .map(PairingRepository::map)
                .findOne());
  }

  /** Pairings not yet over (pending or approved, unexpired) from one address, or in all. */
  int countOpen(String clientAddress, long now) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT COUNT(*) FROM pairings WHERE state IN ('PENDING', 'APPROVED')"
                        + " AND expires_at > :now"
                        + (clientAddress == null ? "" : " AND client_address = :a"))
                .bind("now", now)
                .bind("a", clientAddress)
                .mapTo(Integer.class)
                .one());
  }

  /** Forgets pairings that ended before {@code before}, freeing their user codes. */
  int pruneEndedBefore(long before) {
    return jdbi.withHandle(
        h ->
            h.createUpdate("DELETE FROM pairings WHERE expires_at < :t")
                .bind("t", before)
                .execute());
  }

  /** Records a poll; the new interval applies from now on. */
  void recordPoll(String id, long now, long intervalMs) {
    jdbi.useHandle(
        h ->
            h.createUpdate(
                    "UPDATE pairings SET last_poll_at = :now, interval_ms = :i WHERE id = :id")
                .bind("now", now)
                .bind("i", intervalMs)
                .bind("id", id)
                .execute());
  }

  /** The viewer claims a pending pairing nobody else has looked at; true when it is theirs. */
  boolean claimView(String id, long user) {
    return jdbi.withHandle(
            h ->
                h.createUpdate(
                        "UPDATE pairings SET viewed_by = :u WHERE id = :id"
                            + " AND (viewed_by IS NULL OR viewed_by = :u)")
                    .bind("u", user)
                    .bind("id", id)
                    .execute())
        == 1;
  }

  /** pending → approved or denied, by a person who may decide it; true when this call did it. */
  boolean decide(String id, long user, Pairing.State to, String deviceName, long now) {
    return jdbi.withHandle(
            h ->
                h.createUpdate(
                        "UPDATE pairings SET state = :to, decided_by = :u, device_name = :n,"
                            + " viewed_by = :u WHERE id = :id AND state = 'PENDING'"
                            + " AND expires_at > :now AND (viewed_by IS NULL OR viewed_by = :u)")
                    .bind("to", to.name())
                    .bind("u", user)
                    .bind("n", deviceName)
                    .bind("id", id)
                    .bind("now", now)
                    .execute())
        == 1;
  }

  /** approved → consumed inside the exchange's transaction; true when this call did it. */
  static boolean consume(Handle h, String id, String deviceId, long now) {
    return h.createUpdate(
                "UPDATE pairings SET state = 'CONSUMED', device_id = :d WHERE id = :id"
                    + " AND state = 'APPROVED' AND expires_at > :now")
            .bind("d", deviceId)
            .bind("id", id)
            .bind("now", now)
            .execute()
        == 1;
  }

  void recordWrongCode(long user, long now) {
    jdbi.useHandle(
        h ->
            h.createUpdate("INSERT INTO pairing_guesses (user_id, guessed_at) VALUES (:u, :t)")
                .bind("u", user)
                .bind("t", now)
                .execute());
  }

  int wrongCodesSince(long user, long since) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT COUNT(*) FROM pairing_guesses WHERE user_id = :u AND guessed_at > :t")
                .bind("u", user)
                .bind("t", since)
                .mapTo(Integer.class)
                .one());
  }

  void pruneWrongCodesBefore(long before) {
    jdbi.useHandle(
        h ->
            h.createUpdate("DELETE FROM pairing_guesses WHERE guessed_at < :t")
                .bind("t", before)
                .execute());
  }

  static Pairing map(ResultSet rs, StatementContext ctx) throws SQLException {
    return new Pairing(
        rs.getString("id"),
        rs.getString("user_code"),
        Pairing.State.valueOf(rs.getString("state")),
        rs.getString("name"),
        rs.getString("model"),
        rs.getString("serial"),
        rs.getString("agent_version"),
        rs.getString("client_address"),
        rs.getLong("created_at"),
        rs.getLong("expires_at"),
        rs.getLong("interval_ms"),
        (Long) rs.getObject("last_poll_at", Long.class),
        (Long) rs.getObject("viewed_by", Long.class),
        (Long) rs.getObject("decided_by", Long.class),
        rs.getString("device_name"),
        rs.getString("device_id"));
  }
}
