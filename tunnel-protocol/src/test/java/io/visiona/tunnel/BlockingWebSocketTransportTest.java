package io.visiona.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.visiona.tunnel.ScriptedWebSocketServer.Frame;
import io.visiona.tunnel.ScriptedWebSocketServer.Peer;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The blocking client against a server that a test scripts frame by frame. */
@Timeout(60)
class BlockingWebSocketTransportTest {

  private static final Duration CONNECT = Duration.ofSeconds(5);
  private static final Duration WRITE = Duration.ofSeconds(10);

  private final ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();

  /** Connects in the background while the test plays the server; returns both ends. */
  private static Future<BlockingWebSocketTransport> connectAsync(
      ExecutorService pool,
      URI uri,
      Map<String, String> headers,
      BlockingWebSocketTransport.Options o) {
    return pool.submit(() -> BlockingWebSocketTransport.connect(uri, headers, CONNECT, WRITE, o));
  }

  private record Pair(BlockingWebSocketTransport client, Peer server, Recorder received) {}

  private Pair open(ScriptedWebSocketServer server, BlockingWebSocketTransport.Options o)
      throws Exception {
    Future<BlockingWebSocketTransport> client = connectAsync(pool, server.uri(), Map.of(), o);
    Peer peer = server.accept();
    peer.acceptUpgrade();
    BlockingWebSocketTransport transport = client.get(5, TimeUnit.SECONDS);
    Recorder recorder = new Recorder();
    transport.start(recorder);
    return new Pair(transport, peer, recorder);
  }

  private Pair open(ScriptedWebSocketServer server) throws Exception {
    return open(server, BlockingWebSocketTransport.Options.defaults());
  }

  @Test
  void upgradeCarriesTheCallersHeadersAndMasksEveryFrameItSends() throws Exception {
    try (ScriptedWebSocketServer server = new ScriptedWebSocketServer()) {
      Future<BlockingWebSocketTransport> client =
          connectAsync(
              pool,
              server.uri(),
              Map.of("Authorization", "Bearer secret"),
              BlockingWebSocketTransport.Options.defaults());
      Peer peer = server.accept();
      assertThat(peer.request).startsWith("GET /v1/tunnel HTTP/1.1\r\n");
      assertThat(peer.header("Authorization")).isEqualTo("Bearer secret");
      assertThat(peer.header("Sec-WebSocket-Version")).isEqualTo("13");
      assertThat(peer.header("Host")).isEqualTo("127.0.0.1:" + server.uri().getPort());
      peer.acceptUpgrade();
      BlockingWebSocketTransport transport = client.get(5, TimeUnit.SECONDS);
      byte[] data = new byte[70_000];
      new Random(1).nextBytes(data);
      transport.write(data, 0, data.length);
      Frame frame = peer.readFrame();
      assertThat(frame.opcode()).isEqualTo(0x2);
      assertThat(frame.masked()).isTrue();
      assertThat(frame.payload()).isEqualTo(data);
      transport.close();
      peer.close();
    }
  }

  @Test
  void aWrongSecWebSocketAcceptIsRefused() throws Exception {
    try (ScriptedWebSocketServer server = new ScriptedWebSocketServer()) {
      Future<BlockingWebSocketTransport> client =
          connectAsync(pool, server.uri(), Map.of(), BlockingWebSocketTransport.Options.defaults());
      try (Peer peer = server.accept()) {
        peer.answer(
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: "
                + WebSocketUpgrade.accept("dGhlIHNhbXBsZSBub25jZQ==")
                + "\r\n\r\n");
        assertThatThrownBy(() -> client.get(5, TimeUnit.SECONDS))
            .hasCauseInstanceOf(IOException.class)
            .hasMessageContaining("wrong Sec-WebSocket-Accept");
      }
    }
  }

  @Test
  void aStatusOtherThan101IsSurfacedWithItsCode() throws Exception {
    try (ScriptedWebSocketServer server = new ScriptedWebSocketServer()) {
      Future<BlockingWebSocketTransport> client =
          connectAsync(pool, server.uri(), Map.of(), BlockingWebSocketTransport.Options.defaults());
      try (Peer peer = server.accept()) {
        peer.answer("HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n");
        assertThatThrownBy(() -> client.get(5, TimeUnit.SECONDS))
            .cause()
            .isInstanceOfSatisfying(
                WebSocketUpgradeException.class, e -> assertThat(e.status()).isEqualTo(401));
      }
    }
  }

  /** Both clients report a refused upgrade the same way, which the edge agent relies on. */
  @Test
  void bothClientsSurfaceARefusedUpgradeAlike() throws Exception {
    try (TestWebSocketServer server = new TestWebSocketServer(false)) {
      server.rejectUpgrades(403);
      for (WebSocketClient kind : WebSocketClient.values()) {
        HttpClient http = WebSocketTransport.newHttpClient();
        assertThatThrownBy(() -> kind.connect(http, server.uri(), Map.of(), CONNECT, WRITE))
            .as(kind.name())
            .isInstanceOfSatisfying(
                WebSocketUpgradeException.class, e -> assertThat(e.status()).isEqualTo(403));
      }
    }
  }

  @Test
  void anUpgradeThatIsNeverAnsweredTimesOut() throws Exception {
    try (ScriptedWebSocketServer server = new ScriptedWebSocketServer()) {
      long start = System.nanoTime();
      Future<BlockingWebSocketTransport> client =
          pool.submit(
              () ->
                  BlockingWebSocketTransport.connect(
                      server.uri(), Map.of(), Duration.ofMillis(300), WRITE));
      try (Peer peer = server.accept()) {
        assertThatThrownBy(() -> client.get(5, TimeUnit.SECONDS))
            .hasMessageContaining("timed out after PT0.3S");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
      }
    }
  }

  @Test
  void headersThatWouldSplitTheRequestAreRefused() {
    assertThatThrownBy(
            () ->
                BlockingWebSocketTransport.connect(
                    URI.create("ws://127.0.0.1:9/"),
                    Map.of("X-A", "b\r\nX-Evil: 1"),
                    CONNECT,
                    WRITE))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                BlockingWebSocketTransport.connect(
                    URI.create("ws://127.0.0.1:9/"), Map.of("Upgrade", "h2c"), CONNECT, WRITE))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void fragmentedBinaryMessagesReachTheSessionAsOneByteStream() throws Exception {
    try (ScriptedWebSocketServer server = new ScriptedWebSocketServer()) {
      Pair p = open(server);
      p.server().sendHeader(0x02, 3, false); // binary, not final
      p.server().out.write("abc".getBytes(StandardCharsets.US_ASCII));
      p.server().send(0x9, "x".getBytes(StandardCharsets.US_ASCII), false); // ping in between
      p.server().send(0x0, "def".getBytes(StandardCharsets.US_ASCII), false); // final continuation
      assertThat(p.server().readFrame().opcode()).isEqualTo(0xA);
      p.server().send(0x8, new byte[] {0x03, (byte) 0xe8}, false);
      assertThat(p.received().end.get(5, TimeUnit.SECONDS)).isNull();
      assertThat(p.received().text()).isEqualTo("abcdef");
    }
  }

  @Test
  void aFrameBeyondTheLimitIsRefusedWith1009() throws Exception {
    try (ScriptedWebSocketServer server = new ScriptedWebSocketServer()) {
      Pair p = open(server, BlockingWebSocketTransport.Options.defaults().withMaxFrameSize(1024));
      p.server().sendHeader(0x82, 1025, false);
      assertThat(p.server().readFrame())
          .satisfies(f -> assertThat(f.opcode()).isEqualTo(0x8))
          .satisfies(f -> assertThat(f.closeCode()).isEqualTo(1009));
      assertThat(p.received().end.get(5, TimeUnit.SECONDS))
          .isInstanceOf(ProtocolException.class)
          .hasMessageContaining("limit 1024");
    }
  }

  @Test
  void aMaskedFrameFromTheServerIsAProtocolError() throws Exception {
    try (ScriptedWebSocketServer server = new ScriptedWebSocketServer()) {
      Pair p = open(server);
      p.server().send(0x2, new byte[] {1, 2, 3}, true);
      assertThat(p.server().readFrame().closeCode()).isEqualTo(1002);
      assertThat(p.received().end.get(5, TimeUnit.SECONDS))
          .isInstanceOf(ProtocolException.class)
          .hasMessageContaining("masked frame");
      assertThat(p.received().text()).isEmpty();
    }
  }

  @Test
  void aTextMessageIsRefusedWith1003() throws Exception {
    try (ScriptedWebSocketServer server = new ScriptedWebSocketServer()) {
      Pair p = open(server);
      p.server().send(0x1, "hi".getBytes(StandardCharsets.US_ASCII), false);
      assertThat(p.server().readFrame().closeCode()).isEqualTo(1003);
      assertThat(p.received().end.get(5, TimeUnit.SECONDS)).isInstanceOf(ProtocolException.class);
    }
  }

  @Test
  void aPingIsAnsweredWithAMaskedPongOfTheSamePayload() throws Exception {
    try (ScriptedWebSocketServer server = new ScriptedWebSocketServer()) {
      Pair p = open(server);
      p.server().send(0x9, "are you there".getBytes(StandardCharsets.US_ASCII), false);
      Frame pong = p.server().readFrame();
      assertThat(pong.opcode()).isEqualTo(0xA);
      assertThat(pong.masked()).isTrue();
      assertThat(new String(pong.payload(), StandardCharsets.US_ASCII)).isEqualTo("are you there");
      p.client().close();
    }
  }

  @Test
  void theServersCloseFrameIsAnsweredAndTheInputEndsCleanly() throws Exception {
    try (ScriptedWebSocketServer server = new ScriptedWebSocketServer()) {
      Pair p = open(server);
      p.server().send(0x2, "last".getBytes(StandardCharsets.US_ASCII), false);
      p.server().send(0x8, new byte[] {0x03, (byte) 0xe9}, false); // 1001 going away
      Frame answer = p.server().readFrame();
      assertThat(answer.opcode()).isEqualTo(0x8);
      assertThat(answer.closeCode()).isEqualTo(1001);
      assertThat(p.server().in.read()).as("client closed the TCP connection").isEqualTo(-1);
      assertThat(p.received().end.get(5, TimeUnit.SECONDS)).isNull();
      assertThat(p.received().text()).isEqualTo("last");
    }
  }

  @Test
  void aLocalCloseSendsACloseFrame() throws Exception {
    try (ScriptedWebSocketServer server = new ScriptedWebSocketServer()) {
      Pair p = open(server);
      p.client().close();
      Frame close = p.server().readFrame();
      assertThat(close.opcode()).isEqualTo(0x8);
      assertThat(close.closeCode()).isEqualTo(1000);
      p.server().send(0x8, new byte[] {0x03, (byte) 0xe8}, false);
      assertThat(p.server().in.read()).as("client closed the TCP connection").isEqualTo(-1);
      assertThatThrownBy(() -> p.client().write(new byte[1], 0, 1)).isInstanceOf(IOException.class);
    }
  }

  /** A server that drops the TCP connection without a close frame: the session learns at once. */
  @Test
  void aTcpEndWithoutCloseFrameIsNoticedAtOnce() throws Exception {
    try (ScriptedWebSocketServer server = new ScriptedWebSocketServer()) {
      Pair p = open(server);
      p.server().send(0x2, "partial".getBytes(StandardCharsets.US_ASCII), false);
      long start = System.nanoTime();
      p.server().close();
      assertThat(p.received().end.get(5, TimeUnit.SECONDS))
          .isInstanceOf(EOFException.class)
          .hasMessageContaining("without a close frame");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
      assertThat(p.received().text()).isEqualTo("partial");
    }
  }

  /** The same through a session with no keepalive: only the transport can tell it. */
  @Test
  void aTcpEndWithoutCloseFrameEndsTheSession() throws Exception {
    try (ScriptedWebSocketServer server = new ScriptedWebSocketServer()) {
      Future<BlockingWebSocketTransport> client =
          connectAsync(pool, server.uri(), Map.of(), BlockingWebSocketTransport.Options.defaults());
      Peer peer = server.accept();
      peer.acceptUpgrade();
      Session session =
          Session.client(
              client.get(5, TimeUnit.SECONDS),
              Config.builder().keepAliveInterval(Duration.ZERO).build());
      peer.close();
      assertThat(session.awaitClosed(Duration.ofSeconds(5))).isTrue();
      assertThat(session.closeCause()).isInstanceOf(EOFException.class);
    }
  }

  /** A peer that stops reading: the blocked write fails once the write timeout has passed. */
  @Test
  void aWriteThatCannotCompleteFailsAfterTheWriteTimeout() throws Exception {
    try (ScriptedWebSocketServer server = new ScriptedWebSocketServer()) {
      Duration timeout = Duration.ofMillis(500);
      Future<BlockingWebSocketTransport> client =
          pool.submit(
              () -> BlockingWebSocketTransport.connect(server.uri(), Map.of(), CONNECT, timeout));
      Peer peer = server.accept();
      peer.acceptUpgrade();
      BlockingWebSocketTransport transport = client.get(5, TimeUnit.SECONDS);
      Recorder recorder = new Recorder();
      transport.start(recorder);
      byte[] chunk = new byte[256 * 1024];
      long lastWriteStarted = 0;
      IOException failure = null;
      for (int i = 0;
          i < 10_000 && failure == null;
          i++) { // the socket buffers fill up long before
        lastWriteStarted = System.nanoTime();
        try {
          transport.write(chunk, 0, chunk.length);
        } catch (IOException e) {
          failure = e;
        }
      }
      Duration blocked = Duration.ofNanos(System.nanoTime() - lastWriteStarted);
      assertThat(failure).isNotNull().hasMessageContaining("did not complete within PT0.5S");
      assertThat(blocked).isBetween(timeout, timeout.plusSeconds(1));
      assertThat(recorder.end.get(5, TimeUnit.SECONDS)).hasMessageContaining("did not complete");
      peer.close();
    }
  }

  @Test
  void tlsWithAVerifiedHostname(@TempDir Path dir) throws Exception {
    TestTls tls = TestTls.localhost(dir);
    BlockingWebSocketTransport.Options options =
        BlockingWebSocketTransport.Options.defaults().withTls(tls.client.getSocketFactory());
    try (ScriptedWebSocketServer server = new ScriptedWebSocketServer(tls.listen())) {
      Future<BlockingWebSocketTransport> client =
          connectAsync(pool, server.uri("wss", "localhost"), Map.of(), options);
      Peer peer = server.accept();
      assertThat(peer.header("Host")).isEqualTo("localhost:" + server.uri().getPort());
      peer.acceptUpgrade();
      BlockingWebSocketTransport transport = client.get(5, TimeUnit.SECONDS);
      Recorder recorder = new Recorder();
      transport.start(recorder);
      transport.write("over tls".getBytes(StandardCharsets.US_ASCII), 0, 8);
      assertThat(new String(peer.readFrame().payload(), StandardCharsets.US_ASCII))
          .isEqualTo("over tls");
      peer.send(0x2, "back".getBytes(StandardCharsets.US_ASCII), false);
      peer.send(0x8, new byte[] {0x03, (byte) 0xe8}, false);
      assertThat(recorder.end.get(5, TimeUnit.SECONDS)).isNull();
      assertThat(recorder.text()).isEqualTo("back");
      peer.close();

      // The certificate names localhost only: the same server as 127.0.0.1 is refused.
      Future<BlockingWebSocketTransport> wrongName =
          connectAsync(pool, server.uri("wss", "127.0.0.1"), Map.of(), options);
      pool.submit(
          () -> {
            try (Peer refused = server.accept()) {
              return refused.request;
            }
          });
      assertThatThrownBy(() -> wrongName.get(5, TimeUnit.SECONDS))
          .hasRootCauseInstanceOf(java.security.cert.CertificateException.class);
    }
  }

  @Test
  void maskingWordWiseEqualsByteByByteAtEveryOffsetAndPosition() {
    Random random = new Random(5);
    int key = 0x9a3c_5e71;
    byte[] keyBytes = {(byte) 0x9a, 0x3c, 0x5e, 0x71};
    for (int position = 0; position < 8; position++) {
      for (int len = 0; len < 40; len++) {
        byte[] src = new byte[64];
        random.nextBytes(src);
        byte[] expected = new byte[64];
        for (int i = 0; i < len; i++) {
          expected[5 + i] = (byte) (src[3 + i] ^ keyBytes[(position + i) & 3]);
        }
        byte[] dst = new byte[64];
        WebSocketMask.mask(src, 3, dst, 5, len, key, position);
        assertThat(dst).isEqualTo(expected);
      }
    }
  }

  /** What the transport delivered: the bytes, then the end (null: clean) or the failure. */
  static final class Recorder implements Transport.Receiver {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final CompletableFuture<IOException> end = new CompletableFuture<>();

    @Override
    public void receive(Transport.ByteSource source, int length) throws IOException {
      byte[] b = new byte[length];
      source.read(b, 0, length);
      synchronized (bytes) {
        bytes.write(b, 0, length);
      }
    }

    @Override
    public void endOfInput() {
      end.complete(null);
    }

    @Override
    public void fail(IOException cause) {
      end.complete(cause);
    }

    String text() {
      synchronized (bytes) {
        return bytes.toString(StandardCharsets.US_ASCII);
      }
    }
  }
}
