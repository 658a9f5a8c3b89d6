package io.visiona.api.persistence;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

/** Pending logins (one per started login, single use). */
public final class LoginTransactionRepository {

  private final Jdbi jdbi;

  public LoginTransactionRepository(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  public void insert(LoginTransactionRecord t) {
    jdbi.useHandle(
        h ->
            h.createUpdate(
                    "INSERT INTO login_transactions"
                        + " (state_hash, browser_hash, return_to, created_at, expires_at)"
                        + " VALUES (:stateHash, :browserHash, :returnTo, :createdAt, :expiresAt)")
                .bindMethods(t)
                .execute());
  }

  public Optional<LoginTransactionRecord> find(String stateHash) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT state_hash, browser_hash, return_to, created_at, expires_at"
                        + " FROM login_transactions WHERE state_hash = :s")
                .bind("s", stateHash)
                .map(LoginTransactionRepository::map)
                .findOne());
  }

  /**
   * Deletes the transaction if it belongs to that browser. Exactly one caller gets {@code true} for
   * a given transaction, which makes it single use.
   */
  public boolean consume(String stateHash, String browserHash) {
    return jdbi.withHandle(
            h ->
                h.createUpdate(
                        "DELETE FROM login_transactions"
                            + " WHERE state_hash = :s AND browser_hash = :b")
                    .bind("s", stateHash)
                    .bind("b", browserHash)
                    .execute())
        == 1;
  }

  public int countForBrowser(String browserHash) {
    return jdbi.withHandle(
        h ->
            h.createQuery("SELECT COUNT(*) FROM login_transactions WHERE browser_hash = :b")
                .bind("b", browserHash)
                .mapTo(Integer.class)
                .one());
  }

  public int countAll() {
    return jdbi.withHandle(
        h -> h.createQuery("SELECT COUNT(*) FROM login_transactions").mapTo(Integer.class).one());
  }

  /** Deletes the browser's oldest pending logins so that at most {@code keep} remain. */
  public int trimForBrowser(String browserHash, int keep) {
    return jdbi.inTransaction(
        h -> {
          List<String> excess =
              h.createQuery(
                      "SELECT state_hash FROM login_transactions WHERE browser_hash = :b"
                          + " ORDER BY created_at DESC, state_hash OFFSET :keep ROWS")
                  .bind("b", browserHash)
                  .bind("keep", keep)
                  .mapTo(String.class)
                  .list();
          int n = 0;
          for (String s : excess) {
            n +=
                h.createUpdate("DELETE FROM login_transactions WHERE state_hash = :s")
                    .bind("s", s)
                    .execute();
          }
          return n;
        });
  }

  public int deleteExpired(long now) {
    return jdbi.withHandle(
        h ->
            h.createUpdate("DELETE FROM login_transactions WHERE expires_at <= :now")
                .bind("now", now)
                .execute());
  }

  private static LoginTransactionRecord map(ResultSet rs, StatementContext ctx)
      throws SQLException {
    return new LoginTransactionRecord(
        rs.getString("state_hash"),
        rs.getString("browser_hash"),
        rs.getString("return_to"),
        rs.getLong("created_at"),
        rs.getLong("expires_at"));
  }
}
