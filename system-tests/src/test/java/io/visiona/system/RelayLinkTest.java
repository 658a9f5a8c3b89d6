package io.visiona.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.visiona.api.relay.RelayException;
import io.visiona.api.relay.RelayLinks;
import io.visiona.tunnel.Stream;
import io.visiona.tunnel.agent.AgentConfig;
import io.visiona.tunnel.agent.AgentState;
import io.visiona.tunnel.agent.EdgeAgent;
import io.visiona.tunnel.pairing.DeviceIdentity;
import io.visiona.tunnel.pairing.PairingClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The api-server's relay link to a real remote-proxy: a stream to a paired, connected box reaches
 * the box's local service; an offline device and a missing link are told apart; the link comes back
 * after the proxy drops it.
 */
@Timeout(120)
class RelayLinkTest {

  @TempDir Path dir;
  private TwoServers servers;
  private ServerSocket echo;

  @BeforeEach
  void start() throws IOException {
    servers = TwoServers.start(dir);
    echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual()
        .start(
            () -> {
              while (!echo.isClosed()) {
                try {
                  Socket s = echo.accept();
                  Thread.ofVirtual().start(() -> echoOnce(s));
                } catch (IOException closed) {
                  return;
                }
              }
            });
  }

  private static void echoOnce(Socket s) {
    try (s;
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream()) {
      in.transferTo(out);
    } catch (IOException ignored) {
      // the test decides what it expected
    }
  }

  @AfterEach
  void stop() throws IOException {
    echo.close();
    servers.close();
  }

  private RelayLinks relay() {
    return servers.app.devices().relay();
  }

  private DeviceIdentity pairedBox() throws Exception {
    TwoServers.Person owner = servers.person("dora");
    return new PairingClient(servers.apiBase())
        .pair(
            new PairingClient.BoxDescription("relay-box", null, null, null),
            prompt -> owner.call("POST", "/api/pairings/" + prompt.userCode() + "/approve", null));
  }

  @Test
  void aRelayStreamReachesTheBoxsLocalServiceAndBack() throws Exception {
    DeviceIdentity id = pairedBox();
    try (EdgeAgent agent =
        new EdgeAgent(
            AgentConfig.builder()
                .proxyUri(id.tunnelUrl())
                .credential(id.credential())
                .target("127.0.0.1", echo.getLocalPort())
                .build())) {
      agent.start();
      await().atMost(Duration.ofSeconds(20)).until(() -> agent.state() == AgentState.CONNECTED);
      await().atMost(Duration.ofSeconds(20)).until(relay()::connected);

      Stream stream = relay().open(id.deviceId());
      byte[] message = "through the relay link".repeat(1000).getBytes(StandardCharsets.UTF_8);
      stream.outputStream().write(message);
      stream.closeWrite();
      assertThat(stream.inputStream().readAllBytes()).isEqualTo(message);
      stream.close();

      String metrics =
          TwoServers.send(
                  java.net.http.HttpRequest.newBuilder(
                      java.net.URI.create(
                          "http://127.0.0.1:" + servers.api.port("internal") + "/observe/metrics")))
              .body();
      assertThat(metrics)
          // One link per proxy replica, tagged with its id (proxy.replica.id, proxy-1 by default).
          .contains("api_relay_link_up{replica=\"proxy-1\",scope=\"application\",} 1.0")
          .contains("api_relay_link_connects_total");
      assertThat(relay().bytes(true)).isGreaterThanOrEqualTo(message.length);
    }
  }

  @Test
  void anOfflineDeviceIsToldApartFromAMissingLink() throws Exception {
    await().atMost(Duration.ofSeconds(20)).until(relay()::connected);
    assertThatThrownBy(() -> relay().open("no-such-device"))
        .isInstanceOfSatisfying(
            RelayException.class,
            e -> assertThat(e.reason()).isEqualTo(RelayException.Reason.DEVICE_OFFLINE));
  }

  @Test
  void theLinkIsRedialledAfterTheProxyDropsIt() throws Exception {
    await().atMost(Duration.ofSeconds(20)).until(relay()::connected);
    long before = relay().connects();
    servers.proxy.links().all().forEach(c -> c.closeGoingAway());
    await().atMost(Duration.ofSeconds(20)).until(() -> relay().connects() > before);
    await().atMost(Duration.ofSeconds(5)).until(relay()::connected);
  }

  @Test
  void withAnUnreachableReplicaTheApiServerStartsAndReadinessShowsTheLinkDown(@TempDir Path other)
      throws Exception {
    try (TwoServers lonely = TwoServers.start(other, Map.of())) {
      // A replica that registered and then became unreachable.
      lonely
          .app
          .devices()
          .presence()
          .heartbeat("unreachable", "boot", java.net.URI.create("http://127.0.0.1:1"), 0);
      RelayLinks links = lonely.app.devices().relay();
      links.refresh();
      assertThat(links.links()).containsKey("unreachable");
      assertThat(links.connected("unreachable")).isFalse();
      assertThatThrownBy(() -> links.open("any"))
          .isInstanceOfSatisfying(
              RelayException.class,
              e -> assertThat(e.reason()).isEqualTo(RelayException.Reason.DEVICE_OFFLINE));
      var ready =
          TwoServers.send(
              java.net.http.HttpRequest.newBuilder(
                  lonely.apiBase().resolve("/observe/health/ready")));
      assertThat(ready.statusCode()).isEqualTo(200);
      assertThat(ready.body()).contains("relay-links").contains("replica unreachable");
    }
  }
}
