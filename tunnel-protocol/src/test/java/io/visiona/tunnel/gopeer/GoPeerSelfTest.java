package io.visiona.tunnel.gopeer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Proves the Go peer program and its harness, Go against Go (no Java yamux involved). */
@Timeout(value = 5, unit = TimeUnit.MINUTES) // covers a cold `go build`
class GoPeerSelfTest {

  private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(90);

  @Test
  void goClientPassesTheInteropScriptAgainstTheGoServer() {
    try (GoPeer server = GoPeer.server();
        GoPeer client = GoPeer.clientInterop(server.uri())) {
      assertThat(server.uri().toString()).matches("ws://127\\.0\\.0\\.1:\\d+/");

      int exit = client.awaitExit(EXIT_TIMEOUT);

      assertThat(exit).as(client.diagnostics()).isZero();
      assertThat(client.lastStdoutLine()).isEqualTo("PASS");
      assertThat(client.stderr()).contains("interop: goaway ok");
    }
  }

  @Test
  void goServerServesConcurrentConnections() {
    try (GoPeer server = GoPeer.server("-path", "/v1/tunnel");
        GoPeer a = GoPeer.clientInterop(server.uri(), "-mib", "8");
        GoPeer b = GoPeer.clientInterop(server.uri(), "-mib", "8")) {
      assertThat(server.uri().getPath()).isEqualTo("/v1/tunnel");

      assertThat(a.awaitExit(EXIT_TIMEOUT)).as(a.diagnostics()).isZero();
      assertThat(b.awaitExit(EXIT_TIMEOUT)).as(b.diagnostics()).isZero();
      assertThat(List.of(a.lastStdoutLine(), b.lastStdoutLine())).containsOnly("PASS");
    }
  }

  @Test
  void clientReportsTheEndOfItsSession() {
    GoPeer server = GoPeer.server("-keepalive", "0");
    try (GoPeer client = GoPeer.client(server.uri(), Map.of("Authorization", "Bearer x"))) {
      assertThat(client.isAlive()).isTrue();
      assertThat(client.uri()).isEqualTo(server.uri());

      server.close(); // the connection drops without a WebSocket close frame

      assertThat(client.awaitExit(Duration.ofSeconds(20))).as(client.diagnostics()).isEqualTo(3);
      assertThat(client.lastStdoutLine()).startsWith("CLOSED ");
    } finally {
      server.close();
    }
  }

  @Test
  void rejectedHandshakeFailsWithTheStatusAndSendsTheHeaders() throws Exception {
    // A minimal HTTP endpoint that records the handshake request and answers 401.
    try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<List<String>> request = new CompletableFuture<>();
      Thread.ofPlatform()
          .daemon()
          .start(
              () -> {
                try (Socket s = listener.accept()) {
                  s.setSoTimeout(10_000);
                  BufferedReader in =
                      new BufferedReader(
                          new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
                  List<String> lines = new ArrayList<>();
                  for (String l; (l = in.readLine()) != null && !l.isEmpty(); ) {
                    lines.add(l);
                  }
                  s.getOutputStream()
                      .write(
                          "HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                              .getBytes(StandardCharsets.US_ASCII));
                  request.complete(lines);
                } catch (IOException e) {
                  request.completeExceptionally(e);
                }
              });
      URI uri = URI.create("ws://127.0.0.1:" + listener.getLocalPort() + "/v1/tunnel");

      assertThatThrownBy(() -> GoPeer.client(uri, Map.of("Authorization", "Bearer secret")))
          .isInstanceOf(GoPeerException.class)
          .hasMessageContaining("dial failed")
          .hasMessageContaining("HTTP 401");
      assertThat(request.get(5, TimeUnit.SECONDS))
          .contains("GET /v1/tunnel HTTP/1.1", "Authorization: Bearer secret");
    }
  }

  @ParameterizedTest
  @CsvSource({
    "1000, 7",
    "0, 0",
    "100000, -1",
    "70000, -9223372036854775808",
    "4097, 1234567890123456789",
  })
  void javaPatternEqualsTheGoPattern(int n, long seed) throws Exception {
    byte[] go = GoPeer.pattern(n, seed);

    assertThat(go).hasSize(n);
    assertThat(Pattern.mismatch(go, 0, n, 0, seed)).isEqualTo(-1);
    assertThat(Pattern.bytes(n, seed)).isEqualTo(go);
    try (InputStream in = Pattern.inputStream(n, seed)) {
      assertThat(in.readAllBytes()).isEqualTo(go);
    }
    assertThat(Pattern.sinkReply(n, seed)).isEqualTo(Pattern.sinkReply(go));
  }

  @Test
  void patternFillsAtAnyStreamOffset() {
    byte[] all = Pattern.bytes(10_000, 42);
    byte[] part = new byte[3_000];
    Pattern.fill(part, 100, 2_000, 5_000, 42);

    assertThat(Arrays.copyOfRange(part, 100, 2_100))
        .isEqualTo(Arrays.copyOfRange(all, 5_000, 7_000));
    assertThat(Pattern.byteAt(5_000, 42)).isEqualTo(all[5_000]);
    assertThat(Pattern.mismatch(all, 10, 500, 10, 42)).isEqualTo(-1);
    all[300] ^= 1;
    assertThat(Pattern.mismatch(all, 10, 500, 10, 42)).isEqualTo(290);
    assertThat(Pattern.sha256Hex(new byte[0]))
        .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  }

  @Test
  void benchReportsEveryMetric() {
    try (GoPeer bench = GoPeer.bench(Duration.ofMillis(100), 1)) {
      assertThat(bench.awaitExit(EXIT_TIMEOUT)).as(bench.diagnostics()).isZero();

      assertThat(bench.benchResults())
          .containsOnlyKeys(
              "tcp bulk_1_stream_mbps",
              "ws bulk_1_stream_mbps",
              "go-yamux-ws bulk_1_stream_mbps",
              "go-yamux-ws bulk_100_streams_mbps",
              "go-yamux-ws rr_1k_1_stream_per_s",
              "go-yamux-ws rr_1k_64_streams_per_s")
          .allSatisfy((metric, value) -> assertThat(value).as(metric).isPositive());
    }
  }

  @Test
  void missingGoToolchainFailsWithAnInstallHint() {
    Path nowhere = Path.of("/nonexistent/go/bin/go");

    assertThatThrownBy(() -> GoPeer.checkToolchain(null, Path.of("/usr/share/gocode")))
        .isInstanceOf(GoPeerException.class)
        .hasMessageContaining(GoPeer.INSTALL_HINT);
    assertThatThrownBy(() -> GoPeer.checkToolchain(nowhere, Path.of("/usr/share/gocode")))
        .hasMessageContaining(GoPeer.INSTALL_HINT);
  }

  @Test
  void missingGoLibrariesFailWithAnInstallHint() {
    Path go = GoPeer.findGo();
    assertThat(go).as("go on this machine").isNotNull();

    assertThatThrownBy(() -> GoPeer.checkToolchain(go, Path.of("/nonexistent/gopath")))
        .isInstanceOf(GoPeerException.class)
        .hasMessageContaining("github.com/hashicorp/yamux")
        .hasMessageContaining(GoPeer.INSTALL_HINT);
  }
}
