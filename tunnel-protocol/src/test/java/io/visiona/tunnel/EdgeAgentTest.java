package io.visiona.tunnel;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.management.HotSpotDiagnosticMXBean;
import io.visiona.tunnel.agent.AgentConfig;
import io.visiona.tunnel.agent.AgentState;
import io.visiona.tunnel.agent.EdgeAgent;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Java edge agent against a real WebSocket server with a server-side session standing in for
 * remote-proxy, and real TCP targets. Lives in this package for {@link TestWebSocketServer}.
 */
@Timeout(60)
class EdgeAgentTest {

  private static final String CREDENTIAL = "device-7f3a-secret-credential";
  private static final Duration WAIT = Duration.ofSeconds(15);

  // ---------------------------------------------------------------- data

  @Test
  void eightMegabytesRoundTripIntactAndTheCredentialIsSent() throws Exception {
    try (TestWebSocketServer server = new TestWebSocketServer(true);
        Target target = new Target(EdgeAgentTest::echo);
        EdgeAgent agent = new EdgeAgent(config(server, target.port()).build())) {
      agent.start();
      Session proxy = Session.server(server.accept(), Config.defaults());
      assertThat(server.lastAuthorization()).isEqualTo("Bearer " + CREDENTIAL);
      await().atMost(WAIT).until(() -> agent.state() == AgentState.CONNECTED);

      byte[] payload = new byte[8 << 20];
      new Random(11).nextBytes(payload);
      roundTrip(proxy, payload);

      await().atMost(WAIT).until(() -> agent.stats().activeStreams() == 0);
      assertThat(agent.stats().streamsServed()).isEqualTo(1);
      assertThat(agent.stats().connects()).isEqualTo(1);
    }
  }

  @Test
  void proxyFinReachesTheTargetWhileItsReplyStillFlows() throws Exception {
    // The target answers only after end-of-request, like a request/response server.
    try (TestWebSocketServer server = new TestWebSocketServer(false);
        Target target =
            new Target(
                s -> {
                  byte[] request = s.getInputStream().readAllBytes();
                  s.getOutputStream().write(("got " + request.length).getBytes(US_ASCII));
                  s.shutdownOutput();
                });
        EdgeAgent agent = new EdgeAgent(config(server, target.port()).build())) {
      agent.start();
      Session proxy = Session.server(server.accept(), Config.defaults());
      Stream s = proxy.openStream();
      s.outputStream().write(new byte[12345]);
      s.closeWrite();
      assertThat(new String(s.inputStream().readAllBytes(), US_ASCII)).isEqualTo("got 12345");
      s.close();
    }
  }

  @Test
  void targetFinReachesTheProxyWhileTheRequestStillFlows() throws Exception {
    // The target speaks first and half-closes at once; what the proxy sends afterwards must
    // still arrive.
    CompletableFuture<String> receivedAfterFin = new CompletableFuture<>();
    try (TestWebSocketServer server = new TestWebSocketServer(false);
        Target target =
            new Target(
                s -> {
                  s.getOutputStream().write("hello".getBytes(US_ASCII));
                  s.shutdownOutput();
                  receivedAfterFin.complete(
                      new String(s.getInputStream().readAllBytes(), US_ASCII));
                });
        EdgeAgent agent = new EdgeAgent(config(server, target.port()).build())) {
      agent.start();
      Session proxy = Session.server(server.accept(), Config.defaults());
      Stream s = proxy.openStream();
      assertThat(new String(s.inputStream().readAllBytes(), US_ASCII)).isEqualTo("hello");
      s.outputStream().write("sent after the target's FIN".getBytes(US_ASCII));
      s.closeWrite();
      assertThat(receivedAfterFin.get(WAIT.toSeconds(), TimeUnit.SECONDS))
          .isEqualTo("sent after the target's FIN");
      await().atMost(WAIT).until(() -> agent.stats().activeStreams() == 0);
      assertThat(s.isReleased()).isTrue();
    }
  }

  @Test
  void unreachableTargetResetsTheStreamQuickly() throws Exception {
    int closedPort;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = probe.getLocalPort();
    }
    try (TestWebSocketServer server = new TestWebSocketServer(false);
        EdgeAgent agent = new EdgeAgent(config(server, closedPort).build())) {
      agent.start();
      Session proxy = Session.server(server.accept(), Config.defaults());
      Stream s = proxy.openStream();
      s.setReadTimeout(Duration.ofSeconds(10));
      long start = System.nanoTime();
      assertThatThrownBy(() -> s.inputStream().read()).isInstanceOf(StreamResetException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
      await().atMost(WAIT).until(() -> agent.stats().dialFailures() == 1);
      assertThat(agent.stats().activeStreams()).isZero();
      assertThat(agent.state()).isEqualTo(AgentState.CONNECTED);
    }
  }

  @Test
  void streamsBeyondTheLimitAreResetAndTheSlotComesBack() throws Exception {
    try (TestWebSocketServer server = new TestWebSocketServer(false);
        Target target = new Target(EdgeAgentTest::echo);
        EdgeAgent agent =
            new EdgeAgent(config(server, target.port()).maxConcurrentStreams(2).build())) {
      agent.start();
      Session proxy = Session.server(server.accept(), Config.defaults());
      Stream first = openAndPing(proxy);
      Stream second = openAndPing(proxy);
      assertThat(agent.stats().activeStreams()).isEqualTo(2);

      Stream third = proxy.openStream();
      third.setReadTimeout(Duration.ofSeconds(10));
      assertThatThrownBy(() -> third.inputStream().read()).isInstanceOf(StreamResetException.class);
      assertThat(agent.stats().streamsRejected()).isEqualTo(1);

      first.closeWrite();
      assertThat(first.inputStream().readAllBytes()).isEmpty();
      await().atMost(WAIT).until(() -> agent.stats().activeStreams() == 1);
      Stream fourth = openAndPing(proxy);
      assertThat(agent.stats().activeStreams()).isEqualTo(2);
      assertThat(agent.stats().streamsServed()).isEqualTo(3);
      second.reset();
      fourth.reset();
    }
  }

  // ---------------------------------------------------------------- reconnecting

  @Test
  void reconnectsAfterTheProxyDropsTheConnection() throws Exception {
    try (TestWebSocketServer server = new TestWebSocketServer(false);
        Target target = new Target(EdgeAgentTest::echo);
        EdgeAgent agent = new EdgeAgent(config(server, target.port()).build())) {
      List<AgentState> states = recordStates(agent);
      agent.start();
      Session first = Session.server(server.accept(), Config.defaults());
      await().atMost(WAIT).until(() -> agent.state() == AgentState.CONNECTED);
      first.close();

      Session second = Session.server(server.accept(), Config.defaults());
      await().atMost(WAIT).until(() -> agent.stats().connects() == 2);
      roundTrip(second, "after the reconnect".getBytes(US_ASCII));
      assertThat(states)
          .containsSubsequence(
              AgentState.CONNECTING,
              AgentState.CONNECTED,
              AgentState.BACKING_OFF,
              AgentState.CONNECTING,
              AgentState.CONNECTED);
      assertThat(server.upgradeAttempts()).hasSize(2);
    }
  }

  @Test
  void unreachableProxyIsRetriedWithBackoffNotInATightLoop() throws Exception {
    int closedPort;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = probe.getLocalPort();
    }
    AgentConfig config =
        AgentConfig.builder()
            .proxyUri(java.net.URI.create("ws://127.0.0.1:" + closedPort + "/v1/tunnel"))
            .credential(CREDENTIAL)
            .target("127.0.0.1", closedPort)
            .backoff(Duration.ofMillis(100), Duration.ofMillis(400))
            .build();
    try (EdgeAgent agent = new EdgeAgent(config)) {
      long start = System.nanoTime();
      agent.start();
      await().atMost(WAIT).until(() -> agent.stats().connectFailures() >= 4);
      long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
      // Every wait is at least half the initial interval (50 ms).
      assertThat(agent.stats().connectFailures()).isLessThanOrEqualTo(elapsedMillis / 50 + 1);
      assertThat(agent.stats().connects()).isZero();
      assertThat(agent.state()).isIn(AgentState.BACKING_OFF, AgentState.CONNECTING);
    }
  }

  @Test
  void goAwayReconnectsAtOnceWhileTheOpenStreamCompletes() throws Exception {
    try (TestWebSocketServer server = new TestWebSocketServer(false);
        Target target = new Target(EdgeAgentTest::echo);
        EdgeAgent agent = new EdgeAgent(config(server, target.port()).build())) {
      agent.start();
      Session first = Session.server(server.accept(), Config.defaults());
      Stream inFlight = openAndPing(first);
      List<AgentState> states = recordStates(agent);

      first.goAway();
      Session second = Session.server(server.accept(), Config.defaults());
      await().atMost(WAIT).until(() -> agent.stats().connects() == 2);
      assertThat(states).doesNotContain(AgentState.BACKING_OFF);
      assertThat(agent.stats().goAways()).isEqualTo(1);

      // The stream opened before the GoAway goes on and finishes normally.
      byte[] rest = new byte[1 << 20];
      new Random(3).nextBytes(rest);
      Thread writer =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      inFlight.outputStream().write(rest);
                      inFlight.closeWrite();
                    } catch (IOException e) {
                      throw new RuntimeException(e);
                    }
                  });
      byte[] back = inFlight.inputStream().readAllBytes();
      writer.join();
      assertThat(sha256(back)).isEqualTo(sha256(rest));

      // Once drained, the agent closes the old tunnel itself; the new one serves.
      assertThat(first.awaitClosed(WAIT)).isTrue();
      roundTrip(second, "on the new tunnel".getBytes(US_ASCII));
      assertThat(agent.state()).isEqualTo(AgentState.CONNECTED);
    }
  }

  /** With either WebSocket client: both report the refused upgrade's status alike. */
  @ParameterizedTest(name = "{0} WebSocket client")
  @EnumSource(WebSocketClient.class)
  void rejectedCredentialBacksOffToTheMaximumAndIsNeverLogged(WebSocketClient kind)
      throws Exception {
    List<String> logged = new CopyOnWriteArrayList<>();
    Handler capture =
        new Handler() {
          @Override
          public void publish(LogRecord r) {
            logged.add(r.getMessage() + " " + r.getThrown());
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    Logger agentLogs = Logger.getLogger("io.visiona.tunnel.agent");
    agentLogs.addHandler(capture);
    try (TestWebSocketServer server = new TestWebSocketServer(false);
        Target target = new Target(EdgeAgentTest::echo);
        EdgeAgent agent =
            new EdgeAgent(
                config(server, target.port())
                    .backoff(Duration.ofMillis(20), Duration.ofMillis(400))
                    .webSocketClient(kind)
                    .build())) {
      server.rejectUpgrades(401);
      List<AgentState> states = recordStates(agent);
      agent.start();
      await().atMost(WAIT).until(() -> agent.stats().credentialRejections() >= 3);
      assertThat(states).contains(AgentState.BACKING_OFF);
      assertThat(agent.stats().connects()).isZero();
      // Each wait after a rejection is at least half the maximum (200 ms), though the initial
      // interval is only 20 ms.
      List<Long> attempts = new ArrayList<>(server.upgradeAttempts());
      for (int i = 1; i < attempts.size(); i++) {
        assertThat(Duration.ofNanos(attempts.get(i) - attempts.get(i - 1)))
            .isGreaterThan(Duration.ofMillis(180));
      }
      assertThat(logged).anyMatch(m -> m.contains("rejected the device credential (HTTP 401)"));

      // A credential accepted again: the agent recovers on its own.
      server.rejectUpgrades(0);
      Session proxy = Session.server(server.accept(), Config.defaults());
      await().atMost(WAIT).until(() -> agent.state() == AgentState.CONNECTED);
      roundTrip(proxy, "accepted".getBytes(US_ASCII));
    } finally {
      agentLogs.removeHandler(capture);
    }
    assertThat(logged).isNotEmpty().noneMatch(m -> m.contains(CREDENTIAL));
  }

  // ---------------------------------------------------------------- closing

  @Test
  void closeEndsSessionsStreamsAndThreads() throws Exception {
    try (TestWebSocketServer server = new TestWebSocketServer(false);
        Target target = new Target(EdgeAgentTest::echo)) {
      EdgeAgent agent = new EdgeAgent(config(server, target.port()).build());
      agent.start();
      Session proxy = Session.server(server.accept(), Config.defaults());
      Stream open = openAndPing(proxy);
      assertThat(agentThreads()).isNotEmpty();

      long start = System.nanoTime();
      agent.close();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));

      assertThat(agent.state()).isEqualTo(AgentState.CLOSED);
      assertThat(proxy.awaitClosed(WAIT)).isTrue();
      assertThatThrownBy(() -> open.inputStream().read()).isInstanceOf(IOException.class);
      assertThat(agentThreads()).isEmpty();
      assertThat(agent.stats().activeStreams()).isZero();
    }
  }

  @Test
  void closeWhileBackingOffReturnsAtOnce() throws Exception {
    try (TestWebSocketServer server = new TestWebSocketServer(false)) {
      server.rejectUpgrades(401);
      EdgeAgent agent =
          new EdgeAgent(
              config(server, 9).backoff(Duration.ofSeconds(60), Duration.ofSeconds(120)).build());
      agent.start();
      await().atMost(WAIT).until(() -> agent.state() == AgentState.BACKING_OFF);
      long start = System.nanoTime();
      agent.close();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
      assertThat(agent.state()).isEqualTo(AgentState.CLOSED);
      assertThat(agentThreads()).isEmpty();
    }
  }

  @Test
  void startAfterCloseIsRefused() {
    EdgeAgent agent =
        new EdgeAgent(
            AgentConfig.builder()
                .proxyUri(java.net.URI.create("ws://127.0.0.1:9/v1/tunnel"))
                .credential(CREDENTIAL)
                .target("127.0.0.1", 9)
                .build());
    assertThat(agent.state()).isEqualTo(AgentState.NEW);
    agent.close();
    assertThat(agent.state()).isEqualTo(AgentState.CLOSED);
    assertThatThrownBy(agent::start).isInstanceOf(IllegalStateException.class);
  }

  // ---------------------------------------------------------------- helpers

  private static AgentConfig.Builder config(TestWebSocketServer server, int targetPort) {
    return AgentConfig.builder()
        .proxyUri(server.uri())
        .credential(CREDENTIAL)
        .target("127.0.0.1", targetPort)
        .connectTimeout(Duration.ofSeconds(5))
        .dialTimeout(Duration.ofSeconds(5))
        .backoff(Duration.ofMillis(50), Duration.ofMillis(500));
  }

  private static List<AgentState> recordStates(EdgeAgent agent) {
    List<AgentState> states = new CopyOnWriteArrayList<>();
    agent.addStateListener(states::add);
    return states;
  }

  /** Opens a stream through the agent and waits until one byte came back from the echo target. */
  private static Stream openAndPing(Session proxy) throws IOException {
    Stream s = proxy.openStream();
    s.setReadTimeout(WAIT);
    s.outputStream().write(42);
    assertThat(s.inputStream().read()).isEqualTo(42);
    return s;
  }

  private static void roundTrip(Session proxy, byte[] payload) throws Exception {
    Stream s = proxy.openStream();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread writer =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    s.outputStream().write(payload);
                    s.closeWrite();
                  } catch (Throwable e) {
                    failure.set(e);
                  }
                });
    byte[] back = s.inputStream().readAllBytes();
    writer.join();
    assertThat(failure.get()).isNull();
    assertThat(back).hasSameSizeAs(payload);
    assertThat(sha256(back)).isEqualTo(sha256(payload));
    s.close();
  }

  private static byte[] sha256(byte[] data) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(data);
  }

  private static void echo(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    in.transferTo(s.getOutputStream());
    s.shutdownOutput();
  }

  /** Names of live threads, virtual ones included, that belong to an edge agent. */
  private static List<String> agentThreads() throws IOException {
    Path dump = Files.createTempDirectory("threads").resolve("dump.json");
    try {
      ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
          .dumpThreads(dump.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
      Matcher m =
          Pattern.compile("\"name\": \"(edge-agent[^\"]*)\"").matcher(Files.readString(dump));
      List<String> names = new ArrayList<>();
      while (m.find()) {
        names.add(m.group(1));
      }
      return names;
    } finally {
      Files.deleteIfExists(dump);
      Files.deleteIfExists(dump.getParent());
    }
  }

  /** A TCP server on loopback that runs {@code handler} for every connection. */
  private static final class Target implements AutoCloseable {
    interface Handler {
      void handle(Socket socket) throws Exception;
    }

    private final ServerSocket listener;

    Target(Handler handler) throws IOException {
      listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread.ofVirtual()
          .start(
              () -> {
                try {
                  while (true) {
                    Socket s = listener.accept();
                    Thread.ofVirtual()
                        .start(
                            () -> {
                              try (s) {
                                handler.handle(s);
                              } catch (Exception e) {
                                // connection over
                              }
                            });
                  }
                } catch (IOException closed) {
                  // listener closed
                }
              });
    }

    int port() {
      return listener.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      listener.close();
    }
  }
}
