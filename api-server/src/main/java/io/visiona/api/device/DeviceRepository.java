package io.visiona.api.device;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * Devices. Every query that takes an id from a client is scoped by owner in SQL ({@code WHERE
 * owner_id = :owner}): another person's device is indistinguishable from one that does not exist.
 */
public final class DeviceRepository {

  private static final String COLUMNS =
      "id, owner_id, name, model, serial, agent_version, created_at";

  private final Jdbi jdbi;

  public DeviceRepository(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** Inside the caller's transaction (pairing exchange). */
  public static void insert(Handle h, Device d) {
    h.createUpdate(
            "INSERT INTO devices ("
                + COLUMNS
                + ") VALUES (:id, :ownerId, :name, :model, :serial, :agentVersion, :createdAt)")
        .bindMethods(d)
        .execute();
  }

  public List<Device> listForOwner(long owner) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT "
                        + COLUMNS
                        + " FROM devices WHERE owner_id = :owner"
                        + " ORDER BY created_at, id")
                .bind("owner", owner)
                .map(DeviceRepository::map)
                .list());
  }

  public Optional<Device> find(long owner, String id) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT " + COLUMNS + " FROM devices WHERE id = :id AND owner_id = :owner")
                .bind("id", id)
                .bind("owner", owner)
                .map(DeviceRepository::map)
                .findOne());
  }

  /** True when the owner's device was renamed. */
  public boolean rename(long owner, String id, String name) {
    return jdbi.withHandle(
            h ->
                h.createUpdate(
                        "UPDATE devices SET name = :name WHERE id = :id AND owner_id = :owner")
                    .bind("name", name)
                    .bind("id", id)
                    .bind("owner", owner)
                    .execute())
        == 1;
  }

  /** True when the owner's device was deleted (its credentials go with it). */
  public boolean delete(long owner, String id) {
    return jdbi.withHandle(
            h ->
                h.createUpdate("DELETE FROM devices WHERE id = :id AND owner_id = :owner")
                    .bind("id", id)
                    .bind("owner", owner)
                    .execute())
        == 1;
  }

  static Device map(ResultSet rs, StatementContext ctx) throws SQLException {
    return new Device(
        rs.getString("id"),
        rs.getLong("owner_id"),
        rs.getString("name"),
        rs.getString("model"),
        rs.getString("serial"),
        rs.getString("agent_version"),
        rs.getLong("created_at"));
  }
}
