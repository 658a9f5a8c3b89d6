package io.visiona.tunnel;

import static io.visiona.tunnel.FrameHeader.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One test per protocol rule: a scripted peer writes exact frames and asserts the exact replies.
 * The session under test is the server (the peer opens odd ids) unless a test says otherwise.
 */
@Timeout(30)
class ConformanceTest {

  private static final int WINDOW = Config.SPEC_INITIAL_WINDOW;

  private static RawPeer server() throws IOException {
    return RawPeer.against(true, RawPeer.quiet().build());
  }

  private static RawPeer client() throws IOException {
    return RawPeer.against(false, RawPeer.quiet().build());
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void inboundSynIsAckedWhenTheApplicationAccepts() throws Exception {
    try (RawPeer peer = server()) {
      peer.send(TYPE_WINDOW_UPDATE, FLAG_SYN, 1, 0);
      peer.expectSilence(Duration.ofMillis(200));
      Stream s = peer.session.acceptStream(Duration.ofSeconds(5));
      assertThat(s.id()).isEqualTo(1);
      peer.expect(TYPE_WINDOW_UPDATE, FLAG_ACK, 1, 0);
    }
  }

  @Test
  void outboundOpenSendsSynWithTheRolesParity() throws Exception {
    try (RawPeer asServer = server();
        RawPeer asClient = client()) {
      asServer.session.openStream();
      asServer.expect(TYPE_WINDOW_UPDATE, FLAG_SYN, 2, 0);
      asServer.session.openStream();
      asServer.expect(TYPE_WINDOW_UPDATE, FLAG_SYN, 4, 0);
      asClient.session.openStream();
      asClient.expect(TYPE_WINDOW_UPDATE, FLAG_SYN, 1, 0);
    }
  }

  @Test
  void dataMayBeSentBeforeTheAckAndMayRideOnTheSyn() throws Exception {
    try (RawPeer peer = server()) {
      Stream out = peer.session.openStream();
      out.outputStream().write(bytes("early"));
      peer.expect(TYPE_WINDOW_UPDATE, FLAG_SYN, 2, 0);
      assertThat(peer.expect(TYPE_DATA, 0, 2, 5).payload()).isEqualTo(bytes("early"));

      peer.sendData(FLAG_SYN, 1, bytes("hello"));
      Stream in = peer.session.acceptStream(Duration.ofSeconds(5));
      assertThat(in.inputStream().readNBytes(5)).isEqualTo(bytes("hello"));
    }
  }

  @Test
  void finHalfClosesReadingWhileWritingGoesOnThenStateIsReleased() throws Exception {
    try (RawPeer peer = server()) {
      peer.send(TYPE_WINDOW_UPDATE, FLAG_SYN, 1, 0);
      Stream s = peer.session.acceptStream(Duration.ofSeconds(5));
      peer.expect(TYPE_WINDOW_UPDATE, FLAG_ACK, 1, 0);
      peer.sendData(FLAG_FIN, 1, bytes("last words"));
      assertThat(s.inputStream().readAllBytes()).isEqualTo(bytes("last words"));
      assertThat(s.inputStream().read()).isEqualTo(-1);

      s.outputStream().write(bytes("reply"));
      peer.expect(TYPE_DATA, 0, 1, 5);
      assertThat(peer.session.stats().openStreams()).isEqualTo(1);
      s.closeWrite();
      peer.expect(TYPE_WINDOW_UPDATE, FLAG_FIN, 1, 0);
      assertThat(s.isReleased()).isTrue();
      assertThat(peer.session.stats().openStreams()).isZero();
      assertThat(peer.session.stats().committedWindow()).isZero();
    }
  }

  @Test
  void rstFailsReadsAndWritesAndReleasesTheStream() throws Exception {
    try (RawPeer peer = server()) {
      peer.sendData(FLAG_SYN, 1, bytes("buffered"));
      Stream s = peer.session.acceptStream(Duration.ofSeconds(5));
      peer.expect(TYPE_WINDOW_UPDATE, FLAG_ACK, 1, 0);
      peer.send(TYPE_WINDOW_UPDATE, FLAG_RST, 1, 0);
      await().atMost(Duration.ofSeconds(5)).until(s::isReleased);
      // As hashicorp: after RST even buffered data is gone.
      assertThatThrownBy(() -> s.inputStream().read()).isInstanceOf(StreamResetException.class);
      assertThatThrownBy(() -> s.outputStream().write(1)).isInstanceOf(StreamResetException.class);
      assertThat(peer.session.stats().resets().get(ResetReason.REMOTE)).isEqualTo(1);
      peer.expectSilence(Duration.ofMillis(100));
    }
  }

  @Test
  void writerStopsAtTheWindowInFramesOfAtMost64KiBAndResumesOnUpdate() throws Exception {
    try (RawPeer peer = server()) {
      Stream s = peer.session.openStream();
      peer.expect(TYPE_WINDOW_UPDATE, FLAG_SYN, 2, 0);
      int total = WINDOW + 100_000;
      Future<?> writing =
          CompletableFuture.runAsync(
              () -> {
                try {
                  s.outputStream().write(new byte[total]);
                } catch (IOException e) {
                  throw new RuntimeException(e);
                }
              });
      int received = 0;
      while (received < WINDOW) {
        RawPeer.Frame f = peer.next();
        assertThat(f.type()).isEqualTo(TYPE_DATA);
        assertThat(f.length()).isLessThanOrEqualTo(64 * 1024);
        received += f.length();
      }
      assertThat(received).isEqualTo(WINDOW);
      peer.expectSilence(Duration.ofMillis(200));
      assertThat(writing.isDone()).isFalse();
      assertThat(peer.session.stats().windowStalls()).isPositive();

      peer.send(TYPE_WINDOW_UPDATE, 0, 2, 100_000);
      while (received < total) {
        received += peer.next().length();
      }
      writing.get();
      assertThat(received).isEqualTo(total);
    }
  }

  @Test
  void windowCreditIsReturnedOnlyAsTheApplicationConsumes() throws Exception {
    try (RawPeer peer = server()) {
      peer.send(TYPE_WINDOW_UPDATE, FLAG_SYN, 1, 0);
      Stream s = peer.session.acceptStream(Duration.ofSeconds(5));
      peer.expect(TYPE_WINDOW_UPDATE, FLAG_ACK, 1, 0);
      for (int i = 0; i < 4; i++) {
        peer.sendData(0, 1, new byte[64 * 1024]);
      }
      // The full window is buffered, nothing consumed: no credit.
      peer.expectSilence(Duration.ofMillis(200));
      byte[] buf = new byte[100_000];
      // Single reads of buffered data return exactly what was asked for.
      assertThat(s.inputStream().read(buf, 0, 100_000)).isEqualTo(100_000);
      peer.expectSilence(Duration.ofMillis(100));
      assertThat(s.inputStream().read(buf, 0, 40_000)).isEqualTo(40_000);
      // 140,000 consumed >= half the window: exactly that much credit.
      peer.expect(TYPE_WINDOW_UPDATE, 0, 1, 140_000);
    }
  }

  @Test
  void creditGoesOutAtHalfTheWindowEvenWhileThePeerStillHasWindow() throws Exception {
    try (RawPeer peer = server()) {
      peer.send(TYPE_WINDOW_UPDATE, FLAG_SYN, 1, 0);
      Stream s = peer.session.acceptStream(Duration.ofSeconds(5));
      peer.expect(TYPE_WINDOW_UPDATE, FLAG_ACK, 1, 0);
      for (int i = 0; i < 3; i++) {
        peer.sendData(0, 1, new byte[64 * 1024]);
      }
      // The pong proves all three frames are buffered before the application reads.
      peer.send(TYPE_PING, FLAG_SYN, 0, 7);
      peer.expect(TYPE_PING, FLAG_ACK, 0, 7);
      // The peer has 64 KiB of window left; hashicorp's rule still credits at half the window, so
      // a sender is never stalled for a round trip per window.
      byte[] buf = new byte[140_000];
      assertThat(s.inputStream().read(buf, 0, buf.length)).isEqualTo(buf.length);
      peer.expect(TYPE_WINDOW_UPDATE, 0, 1, 140_000);
    }
  }

  @Test
  void noCreditIsSentOnceThePeersFinHasArrived() throws Exception {
    try (RawPeer peer = server()) {
      peer.send(TYPE_WINDOW_UPDATE, FLAG_SYN, 1, 0);
      Stream s = peer.session.acceptStream(Duration.ofSeconds(5));
      peer.expect(TYPE_WINDOW_UPDATE, FLAG_ACK, 1, 0);
      for (int i = 0; i < 3; i++) {
        peer.sendData(0, 1, new byte[64 * 1024]);
      }
      peer.send(TYPE_WINDOW_UPDATE, FLAG_FIN, 1, 0);
      // The pong proves the FIN was processed before the application reads.
      peer.send(TYPE_PING, FLAG_SYN, 0, 7);
      peer.expect(TYPE_PING, FLAG_ACK, 0, 7);
      // Over half the window consumed, but the peer has finished and may have forgotten the
      // stream: hashicorp would log a credit as a frame for a missing stream.
      assertThat(s.inputStream().readAllBytes()).hasSize(3 * 64 * 1024);
      peer.expectSilence(Duration.ofMillis(200));
    }
  }

  @Test
  void afterOurFinCreditIsHeldUntilThePeerHasUsedItsWindowUp() throws Exception {
    try (RawPeer peer = server()) {
      peer.send(TYPE_WINDOW_UPDATE, FLAG_SYN, 1, 0);
      Stream s = peer.session.acceptStream(Duration.ofSeconds(5));
      peer.expect(TYPE_WINDOW_UPDATE, FLAG_ACK, 1, 0);
      s.closeWrite();
      peer.expect(TYPE_WINDOW_UPDATE, FLAG_FIN, 1, 0);
      for (int i = 0; i < 3; i++) {
        peer.sendData(0, 1, new byte[64 * 1024]);
      }
      byte[] buf = new byte[3 * 64 * 1024];
      s.inputStream().readNBytes(buf, 0, buf.length);
      // The peer still has window and, having our FIN, forgets the stream once it sends its own:
      // a credit now could cross that FIN.
      peer.expectSilence(Duration.ofMillis(200));
      // The last 64 KiB of window: the peer is now blocked and gets everything consumed so far.
      peer.sendData(0, 1, new byte[64 * 1024]);
      peer.expect(TYPE_WINDOW_UPDATE, 0, 1, 3 * 64 * 1024);
      assertThat(s.inputStream().readNBytes(64 * 1024)).hasSize(64 * 1024);
    }
  }

  @Test
  void receiveWindowViolationIsAProtocolError() throws Exception {
    try (RawPeer peer = server()) {
      peer.send(TYPE_WINDOW_UPDATE, FLAG_SYN, 1, 0);
      for (int i = 0; i < 4; i++) {
        peer.sendData(0, 1, new byte[64 * 1024]);
      }
      peer.sendData(0, 1, new byte[1]);
      peer.expectGoAwayAndClose(GO_AWAY_PROTOCOL_ERROR);
      assertThat(peer.session.awaitClosed(Duration.ofSeconds(5))).isTrue();
      assertThat(peer.session.closeCause()).isInstanceOf(ProtocolException.class);
    }
  }

  @Test
  void duplicateSynIsAProtocolError() throws Exception {
    try (RawPeer peer = server()) {
      peer.send(TYPE_WINDOW_UPDATE, FLAG_SYN, 1, 0);
      peer.send(TYPE_WINDOW_UPDATE, FLAG_SYN, 1, 0);
      peer.expectGoAwayAndClose(GO_AWAY_PROTOCOL_ERROR);
    }
  }

  @Test
  void synWithTheWrongParityIsAProtocolError() throws Exception {
    try (RawPeer peer = server()) {
      peer.send(TYPE_WINDOW_UPDATE, FLAG_SYN, 2, 0);
      peer.expectGoAwayAndClose(GO_AWAY_PROTOCOL_ERROR);
    }
  }

  @Test
  void unknownStreamDataIsDrainedAndIgnored() throws Exception {
    try (RawPeer peer = server()) {
      peer.sendData(0, 99, bytes("nobody listens"));
      peer.send(TYPE_WINDOW_UPDATE, 0, 77, 1000);
      peer.send(TYPE_PING, FLAG_SYN, 0, 5);
      peer.expect(TYPE_PING, FLAG_ACK, 0, 5);
      assertThat(peer.session.isClosed()).isFalse();
    }
  }

  @Test
  void dataAfterFinResetsOnlyThatStream() throws Exception {
    try (RawPeer peer = server()) {
      peer.sendData(FLAG_SYN | FLAG_FIN, 1, bytes("done"));
      peer.sendData(0, 1, bytes("more?"));
      peer.expect(TYPE_WINDOW_UPDATE, FLAG_RST, 1, 0);
      assertThat(peer.session.stats().resets().get(ResetReason.DATA_AFTER_FIN)).isEqualTo(1);
      peer.send(TYPE_PING, FLAG_SYN, 0, 6);
      peer.expect(TYPE_PING, FLAG_ACK, 0, 6);
    }
  }

  @Test
  void pingIsEchoedAndOwnPingsMeasureTheRoundTrip() throws Exception {
    try (RawPeer peer = server()) {
      peer.send(TYPE_PING, FLAG_SYN, 0, 0xcafe);
      peer.expect(TYPE_PING, FLAG_ACK, 0, 0xcafe);

      CompletableFuture<Duration> rtt =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return peer.session.ping();
                } catch (IOException e) {
                  throw new RuntimeException(e);
                }
              });
      RawPeer.Frame ping = peer.next();
      assertThat(ping.type()).isEqualTo(TYPE_PING);
      assertThat(ping.flags()).isEqualTo(FLAG_SYN);
      peer.send(TYPE_PING, FLAG_ACK, 0, ping.length());
      assertThat(rtt.get()).isPositive();
    }
  }

  @Test
  void pingRepliesGoAheadOfQueuedData() throws Exception {
    try (RawPeer peer = server()) {
      Stream s = peer.session.openStream();
      peer.expect(TYPE_WINDOW_UPDATE, FLAG_SYN, 2, 0);
      // Fill the window so data is queued, then ping while the peer is not reading.
      Thread.ofVirtual()
          .start(
              () -> {
                try {
                  s.outputStream().write(new byte[WINDOW]);
                } catch (IOException ignored) {
                  // session closes at the end of the test
                }
              });
      await().until(() -> peer.session.stats().bytesOut() >= 128 * 1024);
      peer.send(TYPE_PING, FLAG_SYN, 0, 42);
      int dataFramesBeforeReply = 0;
      while (true) {
        RawPeer.Frame f = peer.next();
        if (f.type() == TYPE_PING) {
          assertThat(f.header()).isEqualTo(new FrameHeader(TYPE_PING, FLAG_ACK, 0, 42));
          break;
        }
        dataFramesBeforeReply++;
      }
      // At most the batches already handed to the transport precede the reply.
      assertThat(dataFramesBeforeReply).isLessThanOrEqualTo(WINDOW / (64 * 1024));
    }
  }

  @Test
  void goAwayNormalStopsNewOpensWhileExistingStreamsFinish() throws Exception {
    try (RawPeer peer = server()) {
      peer.send(TYPE_WINDOW_UPDATE, FLAG_SYN, 1, 0);
      Stream s = peer.session.acceptStream(Duration.ofSeconds(5));
      peer.expect(TYPE_WINDOW_UPDATE, FLAG_ACK, 1, 0);
      CountDownLatch told = new CountDownLatch(1);
      peer.session.onPeerGoAway(told::countDown);
      peer.send(TYPE_GO_AWAY, 0, 0, GO_AWAY_NORMAL);
      assertThat(told.await(5, TimeUnit.SECONDS)).isTrue();
      assertThat(peer.session.peerGoingAway()).isTrue();
      CountDownLatch late = new CountDownLatch(1);
      peer.session.onPeerGoAway(late::countDown); // added after the fact: runs at once
      assertThat(late.getCount()).isZero();
      assertThatThrownBy(peer.session::openStream).isInstanceOf(GoAwayException.class);
      s.outputStream().write(bytes("still works"));
      peer.expect(TYPE_DATA, 0, 1, 11);
      peer.sendData(FLAG_FIN, 1, bytes("bye"));
      assertThat(s.inputStream().readAllBytes()).isEqualTo(bytes("bye"));
      assertThat(peer.session.isClosed()).isFalse();
    }
  }

  @Test
  void goAwayWithAnErrorCodeClosesTheSession() throws Exception {
    try (RawPeer peer = server()) {
      peer.send(TYPE_GO_AWAY, 0, 0, GO_AWAY_INTERNAL_ERROR);
      assertThat(peer.session.awaitClosed(Duration.ofSeconds(5))).isTrue();
      assertThat(peer.session.closeCause())
          .isInstanceOf(GoAwayException.class)
          .hasMessageContaining("internal error");
    }
  }

  @Test
  void localGoAwayRefusesNewInboundStreams() throws Exception {
    try (RawPeer peer = server()) {
      peer.session.goAway();
      peer.expect(TYPE_GO_AWAY, 0, 0, GO_AWAY_NORMAL);
      peer.send(TYPE_WINDOW_UPDATE, FLAG_SYN, 1, 0);
      peer.expect(TYPE_WINDOW_UPDATE, FLAG_RST, 1, 0);
    }
  }

  @Test
  void atMostTheAckBacklogOfOpenedStreamsAwaitAnAck() throws Exception {
    Config config = RawPeer.quiet().ackBacklog(4).openTimeout(Duration.ofSeconds(10)).build();
    try (RawPeer peer = RawPeer.against(true, config)) {
      for (int i = 0; i < 4; i++) {
        peer.session.openStream();
        peer.expect(TYPE_WINDOW_UPDATE, FLAG_SYN, 2 + 2 * i, 0);
      }
      CompletableFuture<Stream> fifth =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return peer.session.openStream();
                } catch (IOException e) {
                  throw new RuntimeException(e);
                }
              });
      peer.expectSilence(Duration.ofMillis(200));
      assertThat(fifth.isDone()).isFalse();
      peer.send(TYPE_WINDOW_UPDATE, FLAG_ACK, 4, 0);
      assertThat(fifth.get().id()).isEqualTo(10);
      peer.expect(TYPE_WINDOW_UPDATE, FLAG_SYN, 10, 0);
    }
  }

  @Test
  void openTimesOutWhenTheAckBacklogNeverDrains() throws Exception {
    Config config = RawPeer.quiet().ackBacklog(1).openTimeout(Duration.ofMillis(200)).build();
    try (RawPeer peer = RawPeer.against(true, config)) {
      peer.session.openStream();
      assertThatThrownBy(peer.session::openStream)
          .isInstanceOf(SocketTimeoutException.class)
          .hasMessageContaining("ACK");
    }
  }

  @Test
  void fullAcceptBacklogResetsTheNewStream() throws Exception {
    try (RawPeer peer = RawPeer.against(true, RawPeer.quiet().acceptBacklog(2).build())) {
      peer.send(TYPE_WINDOW_UPDATE, FLAG_SYN, 1, 0);
      peer.send(TYPE_WINDOW_UPDATE, FLAG_SYN, 3, 0);
      peer.send(TYPE_WINDOW_UPDATE, FLAG_SYN, 5, 0);
      peer.expect(TYPE_WINDOW_UPDATE, FLAG_RST, 5, 0);
      assertThat(peer.session.stats().resets().get(ResetReason.ACCEPT_BACKLOG_FULL)).isEqualTo(1);
      assertThat(peer.session.acceptStream(Duration.ofSeconds(1)).id()).isEqualTo(1);
      assertThat(peer.session.acceptStream(Duration.ofSeconds(1)).id()).isEqualTo(3);
    }
  }

  @Test
  void maxStreamsResetsStreamsBeyondTheLimit() throws Exception {
    try (RawPeer peer = RawPeer.against(true, RawPeer.quiet().maxStreams(2).build())) {
      peer.send(TYPE_WINDOW_UPDATE, FLAG_SYN, 1, 0);
      peer.send(TYPE_WINDOW_UPDATE, FLAG_SYN, 3, 0);
      peer.send(TYPE_WINDOW_UPDATE, FLAG_SYN, 5, 0);
      peer.expect(TYPE_WINDOW_UPDATE, FLAG_RST, 5, 0);
      assertThat(peer.session.stats().resets().get(ResetReason.TOO_MANY_STREAMS)).isEqualTo(1);
      assertThatThrownBy(peer.session::openStream)
          .isInstanceOfSatisfying(
              StreamLimitException.class,
              e -> assertThat(e.limit()).isEqualTo(StreamLimitException.Limit.MAX_STREAMS))
          .hasMessageContaining("too many streams");
    }
  }

  @Test
  void openStreamBeyondTheMemoryBudgetFailsWithItsOwnLimit() throws Exception {
    Config.Builder config =
        RawPeer.quiet()
            .initialWindow(256 * 1024)
            .maxWindow(256 * 1024)
            .sessionMemoryBudget(512 * 1024);
    try (RawPeer peer = RawPeer.against(true, config.build())) {
      peer.session.openStream();
      peer.session.openStream();
      assertThatThrownBy(peer.session::openStream)
          .isInstanceOfSatisfying(
              StreamLimitException.class,
              e -> assertThat(e.limit()).isEqualTo(StreamLimitException.Limit.MEMORY_BUDGET));
    }
  }

  @Test
  void keepalivePingsEveryIntervalWhileThePeerAnswers() throws Exception {
    // The timeout is far longer than the test: pings must not wait for it between rounds.
    Config config =
        RawPeer.quiet()
            .keepAliveInterval(Duration.ofMillis(100))
            .keepAliveTimeout(Duration.ofSeconds(30))
            .build();
    try (RawPeer peer = RawPeer.against(true, config)) {
      long start = System.nanoTime();
      for (int i = 0; i < 5; i++) {
        RawPeer.Frame ping = peer.next(Duration.ofSeconds(2));
        assertThat(ping.type()).isEqualTo(TYPE_PING);
        assertThat(ping.flags()).isEqualTo(FLAG_SYN);
        peer.send(TYPE_PING, FLAG_ACK, 0, ping.length());
      }
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
      assertThat(peer.session.isClosed()).isFalse();
      assertThat(peer.session.stats().rtt()).isNotNull().isPositive();
    }
  }

  @Test
  void keepaliveClosesASilentPeer() throws Exception {
    Config config =
        RawPeer.quiet()
            .keepAliveInterval(Duration.ofMillis(100))
            .keepAliveTimeout(Duration.ofMillis(200))
            .build();
    try (RawPeer peer = RawPeer.against(true, config)) {
      RawPeer.Frame ping = peer.next();
      assertThat(ping.type()).isEqualTo(TYPE_PING);
      assertThat(ping.flags()).isEqualTo(FLAG_SYN);
      assertThat(peer.session.awaitClosed(Duration.ofSeconds(5))).isTrue();
      assertThat(peer.session.closeCause()).hasMessageContaining("keepalive timeout");
    }
  }

  @Test
  void anyInboundFrameKeepsTheSessionAliveWithoutPingReplies() throws Exception {
    Config config =
        RawPeer.quiet()
            .keepAliveInterval(Duration.ofMillis(50))
            .keepAliveTimeout(Duration.ofMillis(150))
            .build();
    try (RawPeer peer = RawPeer.against(true, config)) {
      long end = System.nanoTime() + Duration.ofMillis(800).toNanos();
      int opaque = 1000;
      while (System.nanoTime() < end) {
        // The peer pings us instead of answering: traffic, but never a reply to our pings.
        peer.send(TYPE_PING, FLAG_SYN, 0, opaque++);
        RawPeer.Frame f = peer.next();
        assertThat(f.type()).isEqualTo(TYPE_PING);
      }
      assertThat(peer.session.isClosed()).isFalse();
    }
  }

  @Test
  void oversizedLengthsAreRejectedBeforeAnythingIsAllocated() throws Exception {
    try (RawPeer peer = server()) {
      peer.send(TYPE_DATA, FLAG_SYN, 1, 0x7fff_ffff);
      peer.expectGoAwayAndClose(GO_AWAY_PROTOCOL_ERROR);
    }
    try (RawPeer peer = server()) {
      peer.send(TYPE_DATA, 0, 41, 0xffff_fff0);
      peer.expectGoAwayAndClose(GO_AWAY_PROTOCOL_ERROR);
    }
  }

  @Test
  void garbageAndUnknownVersionOrTypeAreProtocolErrors() throws Exception {
    try (RawPeer peer = server()) {
      peer.sendRaw(bytes("GET / HTTP/1.1\r\n\r\n"));
      peer.expectGoAwayAndClose(GO_AWAY_PROTOCOL_ERROR);
    }
    try (RawPeer peer = server()) {
      peer.sendRaw(new byte[] {0, 9, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0});
      peer.expectGoAwayAndClose(GO_AWAY_PROTOCOL_ERROR);
    }
  }

  @Test
  void windowUpdateOverflowIsAProtocolError() throws Exception {
    try (RawPeer peer = server()) {
      peer.send(TYPE_WINDOW_UPDATE, FLAG_SYN, 1, 0);
      peer.send(TYPE_WINDOW_UPDATE, 0, 1, 0xffff_0000);
      peer.expectGoAwayAndClose(GO_AWAY_PROTOCOL_ERROR);
    }
  }

  @Test
  void rstLengthIsNotTreatedAsAWindowDelta() throws Exception {
    try (RawPeer peer = server()) {
      peer.send(TYPE_WINDOW_UPDATE, FLAG_SYN, 1, 0);
      Stream s = peer.session.acceptStream(Duration.ofSeconds(5));
      peer.expect(TYPE_WINDOW_UPDATE, FLAG_ACK, 1, 0);
      peer.send(TYPE_WINDOW_UPDATE, FLAG_RST, 1, 0xffff_ffff);
      await().atMost(Duration.ofSeconds(5)).until(s::isReleased);
      assertThat(peer.session.isClosed()).isFalse();
    }
  }

  @Test
  void writeTimeoutResetsTheStreamSoThePeerIsNotLeftWaiting() throws Exception {
    try (RawPeer peer =
        RawPeer.against(true, RawPeer.quiet().writeTimeout(Duration.ofMillis(200)).build())) {
      Stream s = peer.session.openStream();
      peer.expect(TYPE_WINDOW_UPDATE, FLAG_SYN, 2, 0);
      assertThatThrownBy(() -> s.outputStream().write(new byte[WINDOW + 1]))
          .isInstanceOf(SocketTimeoutException.class);
      int received = 0;
      RawPeer.Frame f;
      while ((f = peer.next()).type() == TYPE_DATA) {
        received += f.length();
      }
      assertThat(received).isEqualTo(WINDOW);
      assertThat(f.header()).isEqualTo(new FrameHeader(TYPE_WINDOW_UPDATE, FLAG_RST, 2, 0));
      assertThat(peer.session.stats().resets().get(ResetReason.WRITE_TIMEOUT)).isEqualTo(1);
    }
  }

  @Test
  void closeTimeoutResetsAStreamWhosePeerNeverFinishes() throws Exception {
    try (RawPeer peer =
        RawPeer.against(true, RawPeer.quiet().closeTimeout(Duration.ofMillis(200)).build())) {
      peer.send(TYPE_WINDOW_UPDATE, FLAG_SYN, 1, 0);
      Stream s = peer.session.acceptStream(Duration.ofSeconds(5));
      peer.expect(TYPE_WINDOW_UPDATE, FLAG_ACK, 1, 0);
      s.close();
      peer.expect(TYPE_WINDOW_UPDATE, FLAG_FIN, 1, 0);
      peer.expect(TYPE_WINDOW_UPDATE, FLAG_RST, 1, 0);
      await().atMost(Duration.ofSeconds(5)).until(s::isReleased);
      assertThat(peer.session.stats().resets().get(ResetReason.CLOSE_TIMEOUT)).isEqualTo(1);
    }
  }
}
