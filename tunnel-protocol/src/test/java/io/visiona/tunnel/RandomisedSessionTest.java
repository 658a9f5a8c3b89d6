package io.visiona.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random mixes of opens, writes of random sizes, half-closes and resets on many streams at once,
 * both sides opening, over the socket and the WebSocket transports: every stream that was not reset
 * echoes its data intact, and all state is released at the end. Every read and write on either side
 * is followed by a check of the stream's window invariant, and the sessions' memory budgets are
 * checked once all streams are done.
 */
class RandomisedSessionTest {

  /** Invariant violations seen on any thread of the current run. */
  private static final Queue<Throwable> violations = new ConcurrentLinkedQueue<>();

  enum Ending {
    HALF_CLOSE,
    RESET_MIDWAY,
    CLOSE_WITHOUT_READING
  }

  record Plan(int size, int chunk, Ending ending, boolean fromServer, long seed) {}

  @Provide
  Arbitrary<List<Plan>> plans() {
    return plan().list().ofMinSize(1).ofMaxSize(40);
  }

  private static Arbitrary<Plan> plan() {
    return Combinators.combine(
            Arbitraries.integers().between(0, 300_000),
            Arbitraries.integers().between(1, 70_000),
            Arbitraries.of(Ending.class),
            Arbitraries.of(true, false),
            Arbitraries.longs())
        .as(Plan::new);
  }

  @Property(tries = 15)
  void socketTransport(@ForAll("plans") List<Plan> plans) throws Exception {
    try (Loopback l = Loopback.open(Config.defaults())) {
      runPlans(l.client, l.server, plans);
    }
  }

  @Property(tries = 8)
  void blockingWebSocketTransport(@ForAll("plans") List<Plan> plans) throws Exception {
    try (TestWebSocketServer server = new TestWebSocketServer(true)) {
      Session client =
          Session.client(
              BlockingWebSocketTransport.connect(
                  server.uri(), Map.of(), Duration.ofSeconds(5), Duration.ofSeconds(10)),
              Config.defaults());
      Session srv = Session.server(server.accept(), Config.defaults());
      try {
        runPlans(client, srv, plans);
      } finally {
        client.close();
        srv.close();
      }
    }
  }

  @Property(tries = 8)
  void webSocketTransport(@ForAll("plans") List<Plan> plans) throws Exception {
    try (TestWebSocketServer server = new TestWebSocketServer(true)) {
      Session client =
          Session.client(
              WebSocketTransport.connect(
                  HttpClient.newHttpClient(),
                  server.uri(),
                  Map.of(),
                  Duration.ofSeconds(5),
                  Duration.ofSeconds(10)),
              Config.defaults());
      Session srv = Session.server(server.accept(), Config.defaults());
      try {
        runPlans(client, srv, plans);
      } finally {
        client.close();
        srv.close();
      }
    }
  }

  private static void runPlans(Session client, Session server, List<Plan> plans) throws Exception {
    violations.clear();
    Thread.ofVirtual().start(() -> checkedEchoServer(client));
    Thread.ofVirtual().start(() -> checkedEchoServer(server));
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<Boolean>> results = new ArrayList<>();
      for (Plan p : plans) {
        results.add(pool.submit(() -> execute(p.fromServer() ? server : client, p)));
      }
      for (Future<Boolean> r : results) {
        assertThat(r.get()).isTrue();
      }
    }
    assertThat(client.isClosed()).isFalse();
    assertThat(server.isClosed()).isFalse();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(client.stats().openStreams()).isZero();
              assertThat(server.stats().openStreams()).isZero();
              assertThat(client.stats().committedWindow()).isZero();
              assertThat(server.stats().committedWindow()).isZero();
            });
    client.checkInvariants();
    server.checkInvariants();
    assertThat(violations).isEmpty();
  }

  /** Echoes every accepted stream, checking the window invariant after each read and write. */
  private static void checkedEchoServer(Session session) {
    try {
      while (true) {
        Stream s = session.acceptStream();
        Thread.ofVirtual()
            .start(
                () -> {
                  try (s) {
                    byte[] buf = new byte[8192];
                    for (int n; (n = s.inputStream().read(buf)) >= 0; ) {
                      check(s);
                      s.outputStream().write(buf, 0, n);
                      check(s);
                    }
                    s.closeWrite();
                  } catch (Exception ignored) {
                    // the test sees the failure on its side
                  }
                });
      }
    } catch (Exception closed) {
      // session over
    }
  }

  private static void check(Stream s) {
    try {
      s.checkWindowInvariant();
    } catch (AssertionError e) {
      violations.add(e);
    }
  }

  /** Runs one stream's plan; true if what came back is what the plan requires. */
  private static boolean execute(Session opener, Plan p) throws Exception {
    byte[] data = new byte[p.size()];
    new Random(p.seed()).nextBytes(data);
    Stream s = opener.openStream();
    Future<byte[]> echoed;
    try (ExecutorService reader = Executors.newVirtualThreadPerTaskExecutor()) {
      echoed = reader.submit(() -> readAll(s));
      int half = data.length / 2;
      try {
        for (int off = 0; off < data.length; off += p.chunk()) {
          if (p.ending() == Ending.RESET_MIDWAY && off >= half) {
            break;
          }
          s.outputStream().write(data, off, Math.min(p.chunk(), data.length - off));
          check(s);
        }
        switch (p.ending()) {
          case HALF_CLOSE -> s.closeWrite();
          case RESET_MIDWAY -> s.reset();
          case CLOSE_WITHOUT_READING -> {
            s.closeWrite();
            s.close();
          }
        }
      } catch (StreamResetException e) {
        return p.ending() != Ending.HALF_CLOSE;
      }
      try {
        byte[] back = echoed.get();
        return p.ending() != Ending.HALF_CLOSE
            || MessageDigest.isEqual(sha(back), sha(data)) && Arrays.equals(back, data);
      } catch (java.util.concurrent.ExecutionException e) {
        // Reset or closed locally: only acceptable for the abrupt endings.
        return p.ending() != Ending.HALF_CLOSE;
      }
    }
  }

  private static byte[] readAll(Stream s) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    byte[] buf = new byte[1 + new Random().nextInt(70_000)];
    for (int n; (n = s.inputStream().read(buf)) >= 0; ) {
      check(s);
      all.write(buf, 0, n);
    }
    return all.toByteArray();
  }

  private static byte[] sha(byte[] b) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(b);
  }
}
