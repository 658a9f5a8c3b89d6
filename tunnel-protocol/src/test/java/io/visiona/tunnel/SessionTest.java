package io.visiona.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class SessionTest {

  static byte[] sha256(byte[] data) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(data);
  }

  @Test
  void echoOverOneStream() throws Exception {
    try (Loopback l = Loopback.open(Config.defaults())) {
      Thread.ofVirtual().start(() -> echoServer(l.server));
      Stream s = l.client.openStream();
      s.outputStream().write("hello yamux".getBytes());
      s.closeWrite();
      assertThat(new String(s.inputStream().readAllBytes())).isEqualTo("hello yamux");
      s.close();
      assertThat(s.id() % 2).isEqualTo(1);
    }
  }

  @Test
  void bulkTransferBothDirectionsIsIntact() throws Exception {
    byte[] payload = new byte[16 << 20];
    new Random(42).nextBytes(payload);
    try (Loopback l = Loopback.open(Config.defaults())) {
      Thread.ofVirtual().start(() -> echoServer(l.server));
      Stream s = l.client.openStream();
      Thread writer =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try (OutputStream out = s.outputStream()) {
                      for (int off = 0; off < payload.length; off += 32768) {
                        out.write(payload, off, 32768);
                      }
                    } catch (Exception e) {
                      throw new RuntimeException(e);
                    }
                  });
      byte[] back = s.inputStream().readAllBytes();
      writer.join();
      assertThat(sha256(back)).isEqualTo(sha256(payload));
      assertThat(l.client.stats().bytesOut()).isEqualTo(payload.length);
      assertThat(l.client.stats().bytesIn()).isEqualTo(payload.length);
    }
  }

  @Test
  void manyConcurrentStreamsBothSidesOpening() throws Exception {
    try (Loopback l = Loopback.open(Config.defaults());
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      Thread.ofVirtual().start(() -> echoServer(l.server));
      Thread.ofVirtual().start(() -> echoServer(l.client));
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        Session opener = i % 2 == 0 ? l.client : l.server;
        int seed = i;
        results.add(pool.submit(roundTrip(opener, seed, 64 * 1024 + seed)));
      }
      for (Future<Boolean> r : results) {
        assertThat(r.get()).isTrue();
      }
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> l.client.stats().openStreams() == 0 && l.server.stats().openStreams() == 0);
    }
  }

  static Callable<Boolean> roundTrip(Session opener, int seed, int size) {
    return () -> {
      byte[] data = new byte[size];
      new Random(seed).nextBytes(data);
      try (Stream s = opener.openStream()) {
        Thread w =
            Thread.ofVirtual()
                .start(
                    () -> {
                      try {
                        s.outputStream().write(data);
                        s.closeWrite();
                      } catch (Exception e) {
                        throw new RuntimeException(e);
                      }
                    });
        byte[] back = s.inputStream().readAllBytes();
        w.join();
        return java.util.Arrays.equals(back, data);
      }
    };
  }

  @Test
  void halfCloseLetsTheOtherDirectionContinue() throws Exception {
    try (Loopback l = Loopback.open(Config.defaults())) {
      Stream c = l.client.openStream();
      c.outputStream().write("request".getBytes());
      c.closeWrite();
      Stream s = l.server.acceptStream(Duration.ofSeconds(5));
      assertThat(new String(s.inputStream().readAllBytes())).isEqualTo("request");
      s.outputStream().write("response after the peer's FIN".getBytes());
      s.close();
      assertThat(new String(c.inputStream().readAllBytes()))
          .isEqualTo("response after the peer's FIN");
      c.close();
      await().atMost(Duration.ofSeconds(5)).until(() -> l.server.stats().openStreams() == 0);
      assertThat(l.client.stats().openStreams()).isZero();
      assertThat(l.client.stats().totalResets()).isZero();
    }
  }

  @Test
  void resetReachesThePeerAndFailsItsReads() throws Exception {
    try (Loopback l = Loopback.open(Config.defaults())) {
      Stream c = l.client.openStream();
      c.outputStream().write(1);
      Stream s = l.server.acceptStream(Duration.ofSeconds(5));
      assertThat(s.inputStream().read()).isEqualTo(1);
      c.reset();
      assertThatThrownBy(() -> s.inputStream().read())
          .isInstanceOf(StreamResetException.class)
          .extracting(e -> ((StreamResetException) e).reason())
          .isEqualTo(ResetReason.REMOTE);
      assertThat(l.server.stats().resets().get(ResetReason.REMOTE)).isEqualTo(1);
      assertThat(l.client.stats().resets().get(ResetReason.LOCAL)).isEqualTo(1);
      await().atMost(Duration.ofSeconds(5)).until(() -> l.server.stats().openStreams() == 0);
    }
  }

  @Test
  void closingWithUnreadDataResets() throws Exception {
    try (Loopback l = Loopback.open(Config.defaults())) {
      Stream c = l.client.openStream();
      c.outputStream().write(new byte[1000]);
      Stream s = l.server.acceptStream(Duration.ofSeconds(5));
      await().until(() -> s.inputStream().available() == 1000);
      s.close();
      assertThat(l.server.stats().resets().get(ResetReason.UNREAD_DATA)).isEqualTo(1);
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () ->
                  assertThatThrownBy(() -> c.outputStream().write(1))
                      .isInstanceOf(StreamResetException.class));
    }
  }

  @Test
  void pingMeasuresARoundTrip() throws Exception {
    try (Loopback l = Loopback.open(Config.defaults())) {
      Duration rtt = l.client.ping();
      assertThat(rtt).isPositive().isLessThan(Duration.ofSeconds(5));
      assertThat(l.server.ping()).isPositive();
    }
  }

  @Test
  void goAwayStopsNewStreamsButExistingOnesFinish() throws Exception {
    try (Loopback l = Loopback.open(Config.defaults())) {
      Stream c = l.client.openStream();
      Stream s = l.server.acceptStream(Duration.ofSeconds(5));
      l.server.goAway();
      await().atMost(Duration.ofSeconds(5)).until(l.client::peerGoingAway);
      assertThatThrownBy(l.client::openStream).isInstanceOf(GoAwayException.class);
      c.outputStream().write("still here".getBytes());
      c.closeWrite();
      assertThat(new String(s.inputStream().readAllBytes())).isEqualTo("still here");
    }
  }

  @Test
  void sessionCloseFailsBlockedReadersAndNotifiesListener() throws Exception {
    try (Loopback l = Loopback.open(Config.defaults())) {
      Stream c = l.client.openStream();
      java.util.concurrent.CompletableFuture<Throwable> closedWith =
          new java.util.concurrent.CompletableFuture<>();
      l.client.onClose(closedWith::complete);
      Future<Throwable> reader =
          Executors.newVirtualThreadPerTaskExecutor()
              .submit(
                  () -> {
                    try {
                      c.inputStream().read();
                      return null;
                    } catch (Exception e) {
                      return e;
                    }
                  });
      l.server.close();
      assertThat(reader.get()).isInstanceOf(SessionClosedException.class);
      assertThat(closedWith.get()).isInstanceOf(SessionClosedException.class);
      assertThat(l.client.isClosed()).isTrue();
      assertThat(c.isReleased()).isTrue();
    }
  }

  static void echoServer(Session session) {
    try {
      while (true) {
        Stream s = session.acceptStream();
        Thread.ofVirtual()
            .start(
                () -> {
                  try (s) {
                    InputStream in = s.inputStream();
                    OutputStream out = s.outputStream();
                    in.transferTo(out);
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

  static byte[] readAll(InputStream in) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    in.transferTo(out);
    return out.toByteArray();
  }
}
