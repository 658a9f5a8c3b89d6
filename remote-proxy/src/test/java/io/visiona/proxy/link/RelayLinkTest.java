package io.visiona.proxy.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.visiona.proxy.ProxySettings;
import io.visiona.proxy.support.ClosingWatcher;
import io.visiona.proxy.support.EchoServer;
import io.visiona.proxy.support.JavaAgent;
import io.visiona.proxy.support.MapAuthenticator;
import io.visiona.proxy.support.ProxyFixture;
import io.visiona.proxy.support.RelayLinkClient;
import io.visiona.proxy.support.TcpRelay;
import io.visiona.proxy.support.Transfers;
import io.visiona.tunnel.Stream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class RelayLinkTest {

  private static final long MIB = 1 << 20;

  private ProxyFixture fixture;
  private EchoServer echo;

  @BeforeEach
  void start() throws IOException {
    fixture =
        new ProxyFixture(
            ProxySettings.loopback(),
            new MapAuthenticator().add("c", "box").add("c2", "watched").add("c3", "killed"));
    echo = new EchoServer();
  }

  @AfterEach
  void stop() throws IOException {
    fixture.close();
    echo.close();
  }

  /** Sends {@code bytes} through a relay stream to the echo target and checks what comes back. */
  static void echoRoundTrip(RelayLinkClient link, String device, long seed, long bytes)
      throws Exception {
    Stream s = link.open(device);
    FutureTask<Transfers.Received> back = Transfers.async(() -> Transfers.receive(s.inputStream()));
    String sent = Transfers.send(s, seed, bytes);
    Transfers.Received received = back.get(100, TimeUnit.SECONDS);
    assertThat(received.bytes()).isEqualTo(bytes);
    assertThat(received.sha256()).isEqualTo(sent);
    s.close();
  }

  @Test
  void sixtyFourMebibytesEachWayThroughAJavaAgent() throws Exception {
    try (JavaAgent agent = JavaAgent.connect(fixture.tunnelUri(), "c", echo.address());
        RelayLinkClient link = fixture.link()) {
      await().until(() -> fixture.proxy.registry().size() == 1);
      echoRoundTrip(link, "box", 64, 64 * MIB);
      await().until(() -> fixture.proxy.links().openStreams() == 0);
      await().until(() -> fixture.proxy.registry().openStreams() == 0);
      assertThat(fixture.proxy.registry().find("box").orElseThrow().stats().totalResets()).isZero();
    }
  }

  @Test
  void manyConcurrentStreams() throws Exception {
    try (JavaAgent agent = JavaAgent.connect(fixture.tunnelUri(), "c", echo.address());
        RelayLinkClient link = fixture.link()) {
      await().until(() -> fixture.proxy.registry().size() == 1);
      List<FutureTask<Void>> all = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        long seed = i;
        all.add(
            Transfers.async(
                () -> {
                  echoRoundTrip(link, "box", seed, 256 * 1024 + seed);
                  return null;
                }));
      }
      for (FutureTask<Void> f : all) {
        f.get(100, TimeUnit.SECONDS);
      }
      await().until(() -> fixture.proxy.links().openStreams() == 0);
      await().until(() -> fixture.proxy.registry().openStreams() == 0);
    }
  }

  @Test
  void refusalsCarryStableCodesAndCloseTheStream() throws Exception {
    try (RelayLinkClient link = fixture.link()) {
      assertThatThrownBy(() -> link.open("nobody"))
          .isInstanceOfSatisfying(
              RelayLinkClient.Refused.class,
              e -> assertThat(e.code).isEqualTo("TUNNEL_DISCONNECTED"));
      assertThat(raw(link, "hello\n")).startsWith("error BAD_HEADER ");
      assertThat(raw(link, "device bad/id\n")).startsWith("error BAD_HEADER ");
      assertThat(raw(link, "device " + "x".repeat(300) + "\n")).startsWith("error BAD_HEADER ");
      await().until(() -> fixture.proxy.links().openStreams() == 0);
    }
  }

  /** Writes {@code header} on a new stream; returns the answer line; the stream must then end. */
  private static String raw(RelayLinkClient link, String header) throws Exception {
    Stream s = link.session().openStream();
    s.outputStream().write(header.getBytes(StandardCharsets.US_ASCII));
    s.closeWrite();
    String line = RelayLinkClient.readLine(s.inputStream());
    assertThat(s.inputStream().read()).isEqualTo(-1);
    s.close();
    return line;
  }

  @Test
  void silentStreamIsDroppedAfterTheHeaderTimeout() throws Exception {
    fixture.close();
    fixture =
        new ProxyFixture(
            ProxySettings.loopback()
                .withLink(
                    new LinkSettings(
                        4 << 20, Duration.ofMillis(300), LinkSettings.defaults().yamux())),
            new MapAuthenticator());
    try (RelayLinkClient link = fixture.link()) {
      Stream s = link.session().openStream();
      s.outputStream().write("dev".getBytes(StandardCharsets.US_ASCII));
      assertThatThrownBy(() -> s.inputStream().read()).isInstanceOf(IOException.class);
      await().until(() -> fixture.proxy.links().openStreams() == 0);
    }
  }

  @Test
  void resetOfTheRelayStreamReachesTheDeviceTarget() throws Exception {
    try (ClosingWatcher target = new ClosingWatcher();
        JavaAgent agent = JavaAgent.connect(fixture.tunnelUri(), "c2", target.address());
        RelayLinkClient link = fixture.link()) {
      await().until(() -> fixture.proxy.registry().size() == 1);
      Stream s = link.open("watched");
      s.outputStream().write(new byte[1000]);
      assertThat(target.connected.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(target.ended.getCount()).isEqualTo(1);
      s.reset();
      assertThat(target.ended.await(10, TimeUnit.SECONDS)).isTrue();
      await().until(() -> fixture.proxy.registry().openStreams() == 0);
      await().until(() -> fixture.proxy.links().openStreams() == 0);
    }
  }

  @Test
  void agentKilledMidTransferEndsTheRelayStreamWithinASecond() throws Exception {
    try (TcpRelay cut =
            new TcpRelay(new InetSocketAddress("127.0.0.1", fixture.proxy.tunnelPort()));
        RelayLinkClient link = fixture.link()) {
      JavaAgent agent =
          JavaAgent.connect(
              URI.create("ws://127.0.0.1:" + cut.port() + "/v1/tunnel"), "c3", echo.address());
      await().until(() -> fixture.proxy.registry().size() == 1);
      Stream s = link.open("killed");
      OutputStream out = s.outputStream();
      FutureTask<Void> writer =
          Transfers.async(
              () -> {
                byte[] chunk = new byte[16 * 1024];
                while (true) {
                  out.write(chunk);
                }
              });
      byte[] buf = new byte[64 * 1024];
      long seen = 0;
      while (seen < 4 * MIB) {
        seen += s.inputStream().read(buf);
      }
      cut.kill();
      long killedAt = System.nanoTime();
      assertThatThrownBy(
              () -> {
                while (s.inputStream().read(buf) >= 0) {
                  // drain until the error
                }
              })
          .isInstanceOf(IOException.class);
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
      assertThat(millis).isLessThan(1000);
      await().atMost(Duration.ofSeconds(1)).until(() -> fixture.proxy.registry().size() == 0);
      assertThatThrownBy(() -> writer.get(10, TimeUnit.SECONDS))
          .hasCauseInstanceOf(IOException.class);
      await().until(() -> fixture.proxy.links().openStreams() == 0);
      assertThat(link.session().stats().openStreams()).isZero();
      agent.close();
    }
  }
}
