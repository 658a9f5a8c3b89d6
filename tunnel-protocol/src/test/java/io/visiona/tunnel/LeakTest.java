package io.visiona.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** 10,000 streams, ended every possible way, leave no state, window or timer behind. */
@Timeout(120)
class LeakTest {

  private static final int STREAMS = 10_000;

  @Test
  void tenThousandStreamsLeaveNothingBehind() throws Exception {
    // Limits out of the way: streams waiting for their close timeout pile up by the thousand.
    Config config =
        Config.builder()
            .closeTimeout(Duration.ofMillis(300))
            .maxStreams(2 * STREAMS)
            .sessionMemoryBudget(2L * STREAMS * Config.SPEC_INITIAL_WINDOW)
            .build();
    AtomicInteger served = new AtomicInteger();
    try (Loopback l = Loopback.open(config);
        ExecutorService pool = Executors.newFixedThreadPool(16, Thread.ofVirtual().factory())) {
      Thread.ofVirtual().start(() -> serveVariously(l.server, served));
      Future<?>[] work = new Future<?>[STREAMS];
      for (int i = 0; i < STREAMS; i++) {
        int kind = i % 5;
        work[i] = pool.submit(() -> endOneWay(l.client, kind));
      }
      for (Future<?> f : work) {
        f.get();
      }
      // Streams reset by the client before the server accepted them free the client's ACK slot
      // at once, so a few may find the server's accept backlog full: refused, never served.
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  served.get() + l.server.stats().resets().get(ResetReason.ACCEPT_BACKLOG_FULL)
                      == STREAMS);
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () -> {
                for (Session s : new Session[] {l.client, l.server}) {
                  SessionStats stats = s.stats();
                  assertThat(stats.openStreams()).isZero();
                  assertThat(stats.pendingAccepts()).isZero();
                  assertThat(stats.committedWindow()).isZero();
                  assertThat(s.liveStreams()).isEmpty();
                }
                assertThat(Session.pendingTimers()).isZero();
              });
      // Every ACK-backlog slot came back: a full backlog of opens succeeds at once.
      for (int i = 0; i < config.ackBacklog(); i++) {
        l.client.openStream().reset();
      }
      assertThat(l.client.isClosed()).isFalse();
    }
  }

  /** Client side: FIN both ways, local reset, close with unread data, early close, timeout. */
  private static Void endOneWay(Session session, int kind) throws IOException {
    // Opening must always work: only the endings below may fail.
    Stream s = session.openStream();
    try {
      s.outputStream().write(kind);
      switch (kind) {
        case 0 -> {
          s.closeWrite();
          s.inputStream().readAllBytes();
          s.close();
        }
        case 1 -> s.reset();
        case 2 -> {
          // The server answers with data this side never reads.
          s.closeWrite();
          s.inputStream().read();
          s.close();
        }
        case 3 -> s.close();
        default -> {
          // Close while the server holds its side open: the close timeout resets it.
          s.close();
        }
      }
    } catch (StreamResetException e) {
      // A reset seen by this side is one of the endings under test.
    }
    return null;
  }

  private static void serveVariously(Session session, AtomicInteger served) {
    try {
      while (true) {
        Stream s = session.acceptStream();
        served.incrementAndGet();
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    int kind = s.inputStream().read();
                    switch (kind) {
                      case 0 -> {
                        s.inputStream().readAllBytes();
                        s.outputStream().write(new byte[100]);
                        s.close();
                      }
                      case 2 -> {
                        s.outputStream().write(new byte[1000]);
                        s.inputStream().readAllBytes();
                        s.close();
                      }
                      case 4 -> s.inputStream().readAllBytes();
                      default -> {
                        s.inputStream().readAllBytes();
                        s.close();
                      }
                    }
                  } catch (IOException e) {
                    s.reset();
                  }
                });
      }
    } catch (IOException closed) {
      // session over
    }
  }
}
