package io.visiona.api.presence;

import static io.visiona.api.presence.PresenceEvent.Type.CONNECT;
import static io.visiona.api.presence.PresenceEvent.Type.DISCONNECT;

import io.visiona.api.persistence.Database;
import io.visiona.api.persistence.TestDatabases;
import io.visiona.api.persistence.TestDatabases.Kind;
import io.visiona.api.persistence.UserRepository;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.function.IntFunction;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * What the presence tables cost, for the capacity model (docs/capacity.md): events per second
 * applied by one api-server thread in batches of 1000 (a replica's first report, a failover to
 * another replica, disconnects), heartbeats per second, and the device listing's query; against the
 * database's own rate for plain batched inserts of the same number of rows, measured in the same
 * run.
 *
 * <pre>
 * ./mvnw -B -pl api-server -am -Pbench verify -DskipTests -Dfuzz.skip=true
 * # -Dbench.devices=20000 -Dbench.runs=3
 * </pre>
 */
public final class PresenceBenchmark {

  private static final int BATCH = 1000;
  private static final URI URL = URI.create("http://10.0.0.1:3801");

  private final int devices;
  private final int runs;
  private final List<String> sizes = new ArrayList<>();

  private PresenceBenchmark(int devices, int runs) {
    this.devices = devices;
    this.runs = runs;
  }

  public static void main(String[] args) throws Exception {
    PresenceBenchmark bench =
        new PresenceBenchmark(
            Integer.getInteger("bench.devices", 20_000), Integer.getInteger("bench.runs", 3));
    System.out.printf(
        "%nPresence tables: %d devices, batches of %d events, one thread, medians of %d runs%n%n",
        bench.devices, BATCH, bench.runs);
    System.out.println(
        "| database | baseline: batched INSERT (rows/s) | first report: connects (events/s) "
            + "| ratio | failover: connects elsewhere (events/s) | ratio "
            + "| disconnects (events/s) | ratio | heartbeat (/s) | device listing, 100 devices (µs) "
            + "| the same after ANALYZE (µs) |");
    System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (Kind kind : Kind.values()) {
      bench.run(kind);
    }
    bench.sizes.forEach(System.out::println);
    System.exit(0); // the embedded PostgreSQL stops in its shutdown hook
  }

  private void run(Kind kind) throws Exception {
    Path dir = Files.createTempDirectory("presence-bench");
    try (Database db = TestDatabases.open(kind, dir)) {
      PresenceRepository presence = new PresenceRepository(db.jdbi());
      long owner = new UserRepository(db.jdbi()).upsertOnLogin("iss", "bench", null, null, 0).id();
      List<String> ids = insertDevices(db, owner);
      db.jdbi().useHandle(h -> h.execute("CREATE TABLE bench_rows (id VARCHAR(36), at BIGINT)"));

      double[] baseline = new double[runs];
      double[] first = new double[runs];
      double[] failover = new double[runs];
      double[] gone = new double[runs];
      double[] beats = new double[runs];
      double[] listing = new double[runs];
      long now = System.currentTimeMillis();
      for (int r = 0; r < runs; r++) {
        baseline[r] = rate(ids.size(), () -> plainInserts(db, ids));
        String boot1 = UUID.randomUUID().toString();
        String boot2 = UUID.randomUUID().toString();
        presence.heartbeat("p1", boot1, URL, 0, now, now + 600_000);
        presence.heartbeat("p2", boot2, URL, 0, now, now + 600_000);
        long at = now + r * 10L;
        first[r] =
            rate(ids.size(), () -> apply(presence, "p1", boot1, ids, i -> connect(ids, i, at)));
        failover[r] =
            rate(ids.size(), () -> apply(presence, "p2", boot2, ids, i -> connect(ids, i, at + 1)));
        gone[r] =
            rate(
                ids.size(),
                () ->
                    apply(
                        presence,
                        "p2",
                        boot2,
                        ids,
                        i -> new PresenceEvent(DISCONNECT, ids.get(i), "c-" + i, 0)));
        beats[r] =
            rate(
                2000,
                () -> {
                  for (int i = 0; i < 2000; i++) {
                    presence.heartbeat("p1", boot1, URL, 0, now, now + 600_000);
                  }
                });
        apply(presence, "p1", boot1, ids, i -> connect(ids, i, at + 2));
        listing[r] = listingMicros(presence, owner, now);
      }
      // Fresh tables have no planner statistics (as right after a deployment); then as usual.
      db.jdbi().useHandle(h -> h.execute("ANALYZE"));
      double analyzed = listingMicros(presence, owner, now);
      if (kind == Kind.POSTGRES) {
        sizes.add(tableSizes(db, ids.size()));
      }
      System.out.printf(
          "| %s | %,.0f | %,.0f | %.2f | %,.0f | %.2f | %,.0f | %.2f | %,.0f | %,.0f | %,.0f |%n",
          kind,
          median(baseline),
          median(first),
          median(first) / median(baseline),
          median(failover),
          median(failover) / median(baseline),
          median(gone),
          median(gone) / median(baseline),
          median(beats),
          median(listing),
          analyzed);
    } finally {
      deleteQuietly(dir);
    }
  }

  /** PostgreSQL's bytes per device (heap, indexes, TOAST) with every device's presence row. */
  private static String tableSizes(Database db, int rows) {
    return db.jdbi()
        .withHandle(
            h -> {
              StringBuilder line =
                  new StringBuilder("\nPostgreSQL bytes per device, indexes included:");
              for (String table : List.of("devices", "device_presence")) {
                long bytes =
                    h.createQuery("SELECT pg_total_relation_size('" + table + "')")
                        .mapTo(Long.class)
                        .one();
                line.append(String.format(" %s %d", table, bytes / rows));
              }
              return line.toString();
            });
  }

  private static PresenceEvent connect(List<String> ids, int i, long at) {
    return new PresenceEvent(CONNECT, ids.get(i), "c-" + i, at);
  }

  /** The devices: 100 owned by the benchmark's user (the listing), the rest by others. */
  private List<String> insertDevices(Database db, long owner) {
    List<String> ids = new ArrayList<>(devices);
    db.jdbi()
        .useTransaction(
            h -> {
              long other =
                  new UserRepository(db.jdbi()).upsertOnLogin("iss", "x", null, null, 0).id();
              PreparedBatch batch =
                  h.prepareBatch(
                      "INSERT INTO devices (id, owner_id, name, created_at)"
                          + " VALUES (:id, :owner, :id, 0)");
              for (int i = 0; i < devices; i++) {
                String id = UUID.randomUUID().toString();
                ids.add(id);
                batch.bind("id", id).bind("owner", i < 100 ? owner : other).add();
              }
              batch.execute();
            });
    return ids;
  }

  private static void plainInserts(Database db, List<String> ids) {
    db.jdbi().useHandle(h -> h.execute("DELETE FROM bench_rows"));
    for (int from = 0; from < ids.size(); from += BATCH) {
      int start = from;
      db.jdbi()
          .useTransaction(
              h -> {
                PreparedBatch batch = h.prepareBatch("INSERT INTO bench_rows VALUES (:id, :at)");
                for (int i = start; i < Math.min(start + BATCH, ids.size()); i++) {
                  batch.bind("id", ids.get(i)).bind("at", (long) i).add();
                }
                batch.execute();
              });
    }
  }

  private static void apply(
      PresenceRepository presence,
      String replica,
      String boot,
      List<String> ids,
      IntFunction<PresenceEvent> event) {
    for (int from = 0; from < ids.size(); from += BATCH) {
      List<PresenceEvent> events = new ArrayList<>(BATCH);
      for (int i = from; i < Math.min(from + BATCH, ids.size()); i++) {
        events.add(event.apply(i));
      }
      try {
        presence.apply(replica, boot, events, System.currentTimeMillis());
      } catch (StaleBootException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private static double listingMicros(PresenceRepository presence, long owner, long now) {
    double[] micros = new double[200];
    for (int i = 0; i < micros.length; i++) {
      long t0 = System.nanoTime();
      if (presence.liveForOwner(owner, now).size() != 100) {
        throw new IllegalStateException("expected the owner's 100 devices online");
      }
      micros[i] = (System.nanoTime() - t0) / 1000.0;
    }
    return median(micros);
  }

  private static double rate(int count, Runnable work) {
    long t0 = System.nanoTime();
    work.run();
    return count / ((System.nanoTime() - t0) / 1e9);
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  private static void deleteQuietly(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
