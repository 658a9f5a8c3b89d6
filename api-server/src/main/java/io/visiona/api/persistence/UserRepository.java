package io.visiona.api.persistence;

import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/** Users, keyed by (issuer, subject). */
public final class UserRepository {

  private static final String COLUMNS =
      "id, issuer, subject, email, display_name, created_at, disabled";

  private final Jdbi jdbi;

  public UserRepository(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** Creates the user on first login, else updates profile and last login; returns the row. */
  public User upsertOnLogin(
      String issuer, String subject, String email, String displayName, long now) {
    try {
      return jdbi.inTransaction(h -> upsert(h, issuer, subject, email, displayName, now));
    } catch (UnableToExecuteStatementException e) {
      // A concurrent first login inserted the same (issuer, subject): update that row instead.
      return jdbi.inTransaction(h -> upsert(h, issuer, subject, email, displayName, now));
    }
  }

  private static User upsert(
      Handle h, String issuer, String subject, String email, String displayName, long now) {
    int updated =
        h.createUpdate(
                "UPDATE users SET email = :email, display_name = :name, last_login_at = :now"
                    + " WHERE issuer = :iss AND subject = :sub")
            .bind("email", email)
            .bind("name", displayName)
            .bind("now", now)
            .bind("iss", issuer)
            .bind("sub", subject)
            .execute();
    if (updated == 0) {
      h.createUpdate(
              "INSERT INTO users (issuer, subject, email, display_name, created_at, last_login_at)"
                  + " VALUES (:iss, :sub, :email, :name, :now, :now)")
          .bind("email", email)
          .bind("name", displayName)
          .bind("now", now)
          .bind("iss", issuer)
          .bind("sub", subject)
          .execute();
    }
    return h.createQuery("SELECT " + COLUMNS + " FROM users WHERE issuer = :iss AND subject = :sub")
        .bind("iss", issuer)
        .bind("sub", subject)
        .map(UserRepository::map)
        .one();
  }

  public Optional<User> find(long id) {
    return jdbi.withHandle(
        h ->
            h.createQuery("SELECT " + COLUMNS + " FROM users WHERE id = :id")
                .bind("id", id)
                .map(UserRepository::map)
                .findOne());
  }

  public void setDisabled(long id, boolean disabled) {
    jdbi.useHandle(
        h ->
            h.createUpdate("UPDATE users SET disabled = :d WHERE id = :id")
                .bind("d", disabled)
                .bind("id", id)
                .execute());
  }

  private static User map(java.sql.ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx)
      throws java.sql.SQLException {
    return new User(
        rs.getLong("id"),
        rs.getString("issuer"),
        rs.getString("subject"),
        rs.getString("email"),
        rs.getString("display_name"),
        rs.getLong("created_at"),
        rs.getBoolean("disabled"));
  }
}
