package io.visiona.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Every tunnel WebSocket client (ours and the JDK's) against the push-style test server. */
@Timeout(60)
class WebSocketTransportTest {

  /** The client recommended for tunnels (inline callbacks); other tests use the JDK default. */
  private static final HttpClient HTTP = WebSocketTransport.newHttpClient();

  static Transport transport(WebSocketClient kind, TestWebSocketServer server) throws Exception {
    return kind.connect(
        HTTP, server.uri(), Map.of(), Duration.ofSeconds(5), Duration.ofSeconds(10));
  }

  static Session connect(WebSocketClient kind, TestWebSocketServer server) throws Exception {
    return Session.client(transport(kind, server), Config.defaults());
  }

  static java.util.stream.Stream<Arguments> clientsAndSplits() {
    return Arrays.stream(WebSocketClient.values())
        .flatMap(c -> java.util.stream.Stream.of(Arguments.of(c, false), Arguments.of(c, true)));
  }

  @ParameterizedTest(name = "{0} client, split messages: {1}")
  @MethodSource("clientsAndSplits")
  void bulkBothWaysOverTheClientAndPushServer(WebSocketClient kind, boolean split)
      throws Exception {
    try (TestWebSocketServer server = new TestWebSocketServer(split)) {
      Session client = connect(kind, server);
      Session srv = Session.server(server.accept(), Config.defaults());
      Thread.ofVirtual().start(() -> SessionTest.echoServer(srv));
      byte[] payload = new byte[8 << 20];
      new Random(7).nextBytes(payload);
      Stream s = client.openStream();
      Thread w =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      s.outputStream().write(payload);
                      s.closeWrite();
                    } catch (Exception e) {
                      throw new RuntimeException(e);
                    }
                  });
      byte[] back = s.inputStream().readAllBytes();
      w.join();
      assertThat(MessageDigest.getInstance("SHA-256").digest(back))
          .isEqualTo(MessageDigest.getInstance("SHA-256").digest(payload));
      client.close();
      assertThat(srv.awaitClosed(Duration.ofSeconds(5))).isTrue();
    }
  }

  @ParameterizedTest(name = "{0} client")
  @EnumSource(WebSocketClient.class)
  void writesLargerThanTheMessageSizeLimitGoOutAsSeveralMessages(WebSocketClient kind)
      throws Exception {
    try (TestWebSocketServer server = new TestWebSocketServer(false)) {
      Transport transport =
          kind == WebSocketClient.JDK
              ? WebSocketTransport.connect(
                  HTTP, server.uri(), Map.of(), Duration.ofSeconds(5), Duration.ofSeconds(10), 1024)
              : BlockingWebSocketTransport.connect(
                  server.uri(),
                  Map.of(),
                  Duration.ofSeconds(5),
                  Duration.ofSeconds(10),
                  BlockingWebSocketTransport.Options.defaults().withMaxMessageSize(1024));
      Session client = Session.client(transport, Config.defaults());
      Session srv = Session.server(server.accept(), Config.defaults());
      Thread.ofVirtual().start(() -> SessionTest.echoServer(srv));
      assertThat(SessionTest.roundTrip(client, 5, 1 << 20).call()).isTrue();
      client.close();
    }
  }

  @ParameterizedTest(name = "{0} client")
  @EnumSource(WebSocketClient.class)
  void manyStreamsAndServerOpenedStreams(WebSocketClient kind) throws Exception {
    try (TestWebSocketServer server = new TestWebSocketServer(true);
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      Session client = connect(kind, server);
      Session srv = Session.server(server.accept(), Config.defaults());
      Thread.ofVirtual().start(() -> SessionTest.echoServer(srv));
      Thread.ofVirtual().start(() -> SessionTest.echoServer(client));
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        results.add(pool.submit(SessionTest.roundTrip(i % 2 == 0 ? client : srv, i, 20_000 + i)));
      }
      for (Future<Boolean> r : results) {
        assertThat(r.get()).isTrue();
      }
      assertThat(client.ping()).isPositive();
      client.close();
    }
  }

  @ParameterizedTest(name = "{0} client")
  @EnumSource(WebSocketClient.class)
  void peerClosingTheWebSocketClosesTheSession(WebSocketClient kind) throws Exception {
    try (TestWebSocketServer server = new TestWebSocketServer(false)) {
      Session client = connect(kind, server);
      PushTransport pushed = server.accept();
      Session srv = Session.server(pushed, Config.defaults());
      srv.close();
      assertThat(client.awaitClosed(Duration.ofSeconds(10))).isTrue();
      assertThat(client.closeCause()).isInstanceOf(SessionClosedException.class);
    }
  }

  /**
   * A connection that ends without a close frame (a GoAway, then TCP FIN) while the client is still
   * handling the GoAway is noticed at once, not at the next keepalive (there is none here). The JDK
   * client loses such an end when its callbacks run on a pool thread (see {@link
   * WebSocketTransport#newHttpClient()}); the slow GoAway listener holds the callback long enough
   * for the FIN to arrive meanwhile.
   */
  @ParameterizedTest(name = "{0} client")
  @EnumSource(WebSocketClient.class)
  void connectionEndingWithoutCloseFrameWhileAMessageIsHandledIsNoticed(WebSocketClient kind)
      throws Exception {
    Config noKeepAlive = Config.builder().keepAliveInterval(Duration.ZERO).build();
    try (TestWebSocketServer server = new TestWebSocketServer(false)) {
      server.closeWithoutCloseFrame();
      for (int i = 0; i < 3; i++) {
        Session client = Session.client(transport(kind, server), noKeepAlive);
        CountDownLatch goAwayHandled = new CountDownLatch(1);
        client.onPeerGoAway(
            () -> {
              try {
                Thread.sleep(200); // widens the window in which the FIN arrives
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              goAwayHandled.countDown();
            });
        Session srv = Session.server(server.accept(), Config.defaults());
        srv.goAway();
        srv.close(); // the socket closes without a close frame
        assertThat(goAwayHandled.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(client.awaitClosed(Duration.ofSeconds(5)))
            .as("client session closed after connection %d ended", i)
            .isTrue();
        // Seen as the end of input (SessionClosedException) or, when the JDK client's reply to
        // the end races the socket's close, as its write failing ("Broken pipe"): either way the
        // end was noticed through the transport's callbacks, which is what this test is about.
        assertThat(client.closeCause()).isInstanceOf(java.io.IOException.class);
      }
    }
  }

  @Test
  void testServerUnmasksWordWiseLikeByteByByteAtEveryOffset() {
    Random random = new Random(3);
    int mask = 0x9a3c_5e71;
    byte[] key = {(byte) 0x9a, 0x3c, 0x5e, 0x71};
    for (int start = 0; start < 12; start++) {
      for (int len = 0; len < 40; len++) {
        byte[] data = new byte[64];
        random.nextBytes(data);
        byte[] expected = data.clone();
        for (int i = 0; i < len; i++) {
          expected[3 + i] ^= key[(start + i) & 3];
        }
        TestWebSocketServer.unmask(data, 3, len, mask, start);
        assertThat(data).isEqualTo(expected);
      }
    }
  }
}
