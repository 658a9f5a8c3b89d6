package io.visiona.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.visiona.tunnel.gopeer.GoPeer;
import io.visiona.tunnel.gopeer.JavaPeerService;
import io.visiona.tunnel.gopeer.Pattern;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Interoperability with the real hashicorp/yamux over gorilla/websocket, both directions. */
@Timeout(180)
class GoInteropTest {

  private static final int STREAMS = 200;
  private static final int PER_STREAM = (64 << 20) / STREAMS;

  @Test
  void goClientDrivesAJavaServerThroughTheWholeScript() throws Exception {
    try (TestWebSocketServer server = new TestWebSocketServer(true)) {
      Thread.ofVirtual()
          .start(
              () -> {
                try {
                  while (true) {
                    Session s = Session.server(server.accept(), Config.defaults());
                    Thread.ofVirtual().start(() -> JavaPeerService.serve(s));
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      try (GoPeer go = GoPeer.clientInterop(server.uri(), "-mib", "64")) {
        int exit = go.awaitExit(Duration.ofSeconds(150));
        assertThat(go.lastStdoutLine()).as(go.diagnostics()).isEqualTo("PASS");
        assertThat(exit).isZero();
        assertNoFrameForMissingStream(go);
      }
    }
  }

  @ParameterizedTest(name = "{0} WebSocket client")
  @EnumSource(WebSocketClient.class)
  void javaClientDrivesAGoServer(WebSocketClient kind) throws Exception {
    try (GoPeer go = GoPeer.server()) {
      Session session =
          Session.client(
              kind.connect(
                  WebSocketTransport.newHttpClient(),
                  go.uri(),
                  Map.of(),
                  Duration.ofSeconds(5),
                  Duration.ofSeconds(30)),
              Config.defaults());
      Thread.ofVirtual().start(() -> JavaPeerService.serve(session));

      bulkBothWaysOnConcurrentStreams(session);
      halfClose(session);
      pings(session);
      assertThat(command(session, "open 20 100000")).isEqualTo("ok 20");
      resetReleasesTheGoStream(session);
      goAwayStopsOpensWhileExistingStreamsFinish(session);
      session.close();
      assertNoFrameForMissingStream(go);
    }
  }

  @Test
  void noWindowUpdateReachesAGoStreamThatHasEnded() throws Exception {
    try (GoPeer go = GoPeer.server()) {
      Session session =
          Session.client(
              WebSocketTransport.connect(
                  WebSocketTransport.newHttpClient(),
                  go.uri(),
                  Map.of(),
                  Duration.ofSeconds(5),
                  Duration.ofSeconds(30)),
              Config.defaults());
      // Downloads after a half-close, read to the end, as the proxy does: the peer forgets each
      // stream as soon as it has sent its FIN, so a credit sent meanwhile would miss it.
      for (int i = 0; i < 20; i++) {
        int size = (i + 1) * 777_777;
        try (Stream s = session.openStream()) {
          s.outputStream().write(("source " + size + " " + i + "\n").getBytes());
          s.closeWrite();
          assertThat(s.inputStream().readAllBytes()).hasSize(size);
        }
      }
      // The peer has processed every frame once it answered a later command.
      assertThat(command(session, "stats")).isEqualTo("streams 1");
      session.close();
      assertNoFrameForMissingStream(go);
    }
  }

  /**
   * hashicorp logs a frame for a stream it has already forgotten (a window update after its FIN was
   * answered): waste on the wire and noise in every agent's log.
   */
  private static void assertNoFrameForMissingStream(GoPeer go) {
    assertThat(go.stderr()).as(go.diagnostics()).doesNotContain("frame for missing stream");
  }

  private static void bulkBothWaysOnConcurrentStreams(Session session) throws Exception {
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < STREAMS; i++) {
        long seed = i;
        results.add(
            pool.submit(
                () -> {
                  try (Stream s = session.openStream()) {
                    s.outputStream().write("sink\n".getBytes());
                    Pattern.inputStream(PER_STREAM, seed).transferTo(s.outputStream());
                    s.closeWrite();
                    return JavaPeerService.readLine(s.inputStream())
                        .equals(Pattern.sinkReply(PER_STREAM, seed).trim());
                  }
                }));
        results.add(
            pool.submit(
                () -> {
                  try (Stream s = session.openStream()) {
                    s.outputStream().write(("source " + PER_STREAM + " " + seed + "\n").getBytes());
                    s.closeWrite();
                    byte[] got = s.inputStream().readAllBytes();
                    return got.length == PER_STREAM
                        && Pattern.mismatch(got, 0, got.length, 0, seed) < 0;
                  }
                }));
      }
      for (Future<Boolean> r : results) {
        assertThat(r.get()).isTrue();
      }
    }
    assertThat(session.stats().bytesOut()).isGreaterThanOrEqualTo(64L << 20);
    assertThat(session.stats().bytesIn()).isGreaterThanOrEqualTo(64L << 20);
  }

  private static void halfClose(Session session) throws IOException {
    byte[] data = Pattern.bytes(1 << 20, 99);
    try (Stream s = session.openStream()) {
      Thread writer =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      s.outputStream().write("echo\n".getBytes());
                      s.outputStream().write(data);
                      s.closeWrite();
                    } catch (IOException e) {
                      throw new RuntimeException(e);
                    }
                  });
      assertThat(s.inputStream().readAllBytes()).isEqualTo(data);
      writer.join();
    } catch (InterruptedException e) {
      throw new IOException(e);
    }
  }

  private static void pings(Session session) throws IOException {
    assertThat(session.ping()).isPositive().isLessThan(Duration.ofSeconds(5));
    assertThat(command(session, "ping")).startsWith("pong ");
  }

  private static void resetReleasesTheGoStream(Session session) throws IOException {
    Stream held = session.openStream();
    held.outputStream().write("hold\n".getBytes());
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> command(session, "stats").equals("streams 2"));
    held.reset();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> command(session, "stats").equals("streams 1"));
  }

  private static void goAwayStopsOpensWhileExistingStreamsFinish(Session session)
      throws IOException {
    Stream existing = session.openStream();
    existing.outputStream().write("echo\n".getBytes());
    assertThat(command(session, "goaway")).isEqualTo("ok");
    await().atMost(Duration.ofSeconds(5)).until(session::peerGoingAway);
    assertThatThrownBy(session::openStream).isInstanceOf(GoAwayException.class);
    existing.outputStream().write("after goaway".getBytes());
    existing.closeWrite();
    assertThat(new String(existing.inputStream().readAllBytes(), StandardCharsets.US_ASCII))
        .isEqualTo("after goaway");
    existing.close();
  }

  /** Sends one command on a new stream and returns the one-line reply. */
  private static String command(Session session, String command) throws IOException {
    try (Stream s = session.openStream()) {
      s.outputStream().write((command + "\n").getBytes());
      s.closeWrite();
      return JavaPeerService.readLine(s.inputStream());
    }
  }
}
