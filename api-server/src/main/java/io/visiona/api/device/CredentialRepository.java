package io.visiona.api.device;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

/** Device credentials, stored as hashes; owner-scoped wherever a client names one. */
public final class CredentialRepository {

  /** A stored credential; {@code secretHash} never leaves the server. */
  public record StoredCredential(
      String id,
      String deviceId,
      long ownerId,
      String secretHash,
      long createdAt,
      long expiresAt,
      Long revokedAt) {

    public boolean validAt(long now) {
      return revokedAt == null && now < expiresAt;
    }
  }

  private static final String COLUMNS =
      "id, device_id, owner_id, secret_hash, created_at, expires_at, revoked_at";

  private final Jdbi jdbi;

  public CredentialRepository(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  static void insert(Handle h, StoredCredential c) {
    h.createUpdate(
            "INSERT INTO device_credentials ("
                + COLUMNS
                + ") VALUES (:id, :deviceId, :ownerId, :secretHash, :createdAt, :expiresAt,"
                + " :revokedAt)")
        .bindMethods(c)
        .execute();
  }

  /** By public id, for verification only (the caller compares the secret's hash). */
  public Optional<StoredCredential> findForVerification(String id) {
    return jdbi.withHandle(
        h ->
            h.createQuery("SELECT " + COLUMNS + " FROM device_credentials WHERE id = :id")
                .bind("id", id)
                .map(CredentialRepository::map)
                .findOne());
  }

  public List<StoredCredential> listForDevice(long owner, String deviceId) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT "
                        + COLUMNS
                        + " FROM device_credentials WHERE device_id = :d AND owner_id = :owner"
                        + " ORDER BY created_at, id")
                .bind("d", deviceId)
                .bind("owner", owner)
                .map(CredentialRepository::map)
                .list());
  }

  /** True when the owner's credential was revoked now (false if unknown or revoked before). */
  public boolean revoke(long owner, String deviceId, String id, long now) {
    return jdbi.withHandle(
            h ->
                h.createUpdate(
                        "UPDATE device_credentials SET revoked_at = :now WHERE id = :id"
                            + " AND device_id = :d AND owner_id = :owner AND revoked_at IS NULL")
                    .bind("now", now)
                    .bind("id", id)
                    .bind("d", deviceId)
                    .bind("owner", owner)
                    .execute())
        == 1;
  }

  /** Ends a rotated credential at {@code until} unless it ends sooner anyway. */
  static void shorten(Handle h, String id, long until) {
    h.createUpdate(
            "UPDATE device_credentials SET expires_at = :until WHERE id = :id AND expires_at > :until")
        .bind("until", until)
        .bind("id", id)
        .execute();
  }

  static StoredCredential map(ResultSet rs, StatementContext ctx) throws SQLException {
    return new StoredCredential(
        rs.getString("id"),
        rs.getString("device_id"),
        rs.getLong("owner_id"),
        rs.getString("secret_hash"),
        rs.getLong("created_at"),
        rs.getLong("expires_at"),
        rs.getObject("revoked_at") == null ? null : rs.getLong("revoked_at"));
  }
}
