package io.visiona.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.helidon.config.Config;
import io.visiona.proxy.support.TestSigning;
import io.visiona.server.ConfigLoader;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProxySettingsTest {

  private static final Path FILE = Path.of("..", "etc", "remote-proxy.yaml");

  @Test
  void theShippedFileGivesTheDocumentedDefaults() {
    Config config = ConfigLoader.load(FILE, Map.of());
    ProxySettings s = ProxySettings.from(config.get("proxy"));
    ProxySettings defaults =
        new ProxySettings("0.0.0.0", 3800, "127.0.0.1", 3801, Duration.ofSeconds(30));
    assertThat(s).isEqualTo(defaults);
    assertThat(
            io.visiona.server.signing.SigningSettings.fromIfConfigured(
                config.get("proxy.signing"), Clock.systemUTC()))
        .isEmpty();
  }

  @Test
  void environmentOverridesTypedValues() {
    Config config =
        ConfigLoader.load(
            FILE,
            Map.of(
                "VISIONA_PROXY_TUNNEL_MAX_AGENTS", "7",
                "VISIONA_PROXY_TUNNEL_YAMUX_MAX_STREAMS", "9",
                "VISIONA_PROXY_FORWARD_TIMEOUT", "PT3S",
                "VISIONA_PROXY_AUTH_CACHE_TTL", "PT0S",
                "VISIONA_PROXY_AUTH_REFUSAL_CACHE_TTL", "PT2S",
                "VISIONA_PROXY_AUTH_FAILURES_PER_ADDRESS_BURST", "4",
                "VISIONA_PROXY_AUTH_FAILURES_PER_ADDRESS_ENABLED", "false"));
    ProxySettings s = ProxySettings.from(config.get("proxy"));
    assertThat(s.tunnel().maxAgents()).isEqualTo(7);
    assertThat(s.tunnel().yamux().maxStreams()).isEqualTo(9);
    assertThat(s.forward().timeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(s.auth().cacheTtl()).isZero();
    assertThat(s.auth().refusalCacheTtl()).isEqualTo(Duration.ofSeconds(2));
    assertThat(s.auth().failuresPerAddress().burst()).isEqualTo(4);
    assertThat(s.auth().failuresPerAddress().enabled()).isFalse();
  }

  @Test
  void signingKeysComeFromTheEnvironmentAndHalfAConfigurationFails() {
    Config both =
        ConfigLoader.load(
            FILE,
            Map.of(
                "VISIONA_PROXY_SIGNING_KEYS_API_TO_PROXY", "a1:" + TestSigning.secret(1),
                "VISIONA_PROXY_SIGNING_KEYS_PROXY_TO_API", "p1:" + TestSigning.secret(2)));
    assertThat(
            io.visiona.server.signing.SigningSettings.fromIfConfigured(
                both.get("proxy.signing"), Clock.systemUTC()))
        .isPresent();
    Config half =
        ConfigLoader.load(
            FILE, Map.of("VISIONA_PROXY_SIGNING_KEYS_API_TO_PROXY", "a1:" + TestSigning.secret(1)));
    assertThatThrownBy(
            () ->
                io.visiona.server.signing.SigningSettings.fromIfConfigured(
                    half.get("proxy.signing"), Clock.systemUTC()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("VISIONA_PROXY_SIGNING_KEYS_PROXY_TO_API");
  }

  @Test
  void listenerSettingsAreReadPerListener() {
    Config config =
        ConfigLoader.load(
            FILE,
            Map.of(
                "VISIONA_PROXY_TUNNEL_TCP_NO_DELAY", "false",
                "VISIONA_PROXY_TUNNEL_REQUEST_HEAD_TIMEOUT", "PT3S",
                "VISIONA_PROXY_INTERNAL_MAX_TCP_CONNECTIONS", "77",
                "VISIONA_PROXY_INTERNAL_HTTP_IDLE_TIMEOUT", "PT1M"));
    ProxySettings s = ProxySettings.from(config.get("proxy"));
    assertThat(s.tunnelListener().tcpNoDelay()).isFalse();
    assertThat(s.tunnelListener().requestHeadTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(s.tunnelListener().maxTcpConnections()).isEqualTo(11_000);
    assertThat(s.internalListener().maxTcpConnections()).isEqualTo(77);
    assertThat(s.internalListener().httpIdleTimeout()).isEqualTo(Duration.ofMinutes(1));
    assertThat(s.internalListener().tcpNoDelay()).isTrue();
  }

  @Test
  void aTunnelListenerWithoutRoomForItsAgentsStopsTheStart() {
    Config config = ConfigLoader.load(FILE, Map.of("VISIONA_PROXY_TUNNEL_MAX_AGENTS", "11000"));
    assertThatThrownBy(() -> ProxySettings.from(config.get("proxy")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("proxy.tunnel.max-tcp-connections (11000)")
        .hasMessageContaining("proxy.tunnel.max-agents (11000)");
  }

  @Test
  void invalidLimitsStopTheStart() {
    Config config = ConfigLoader.load(FILE, Map.of("VISIONA_PROXY_TUNNEL_YAMUX_SEND_BUFFER", "10"));
    assertThatThrownBy(() -> ProxySettings.from(config.get("proxy")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sendBuffer");
  }

  @Test
  void replicaAndPresenceSettingsAreTypedAndChecked() {
    Config config =
        ConfigLoader.load(
            FILE,
            Map.of(
                "VISIONA_PROXY_REPLICA_ID", "proxy-b.eu_1",
                "VISIONA_PROXY_REPLICA_INTERNAL_URL", "http://10.0.0.6:3801",
                "VISIONA_PROXY_PRESENCE_REPORT_INTERVAL", "PT0.5S",
                "VISIONA_PROXY_PRESENCE_HEARTBEAT_INTERVAL", "PT3S",
                "VISIONA_PROXY_PRESENCE_MAX_PENDING_EVENTS", "50",
                "VISIONA_PROXY_PRESENCE_MAX_BACKOFF", "PT2S"));
    ProxySettings s = ProxySettings.from(config.get("proxy"));
    assertThat(s.replica().id()).isEqualTo("proxy-b.eu_1");
    assertThat(s.replica().internalUrl()).hasToString("http://10.0.0.6:3801");
    assertThat(s.presence())
        .isEqualTo(
            new io.visiona.proxy.presence.PresenceSettings(
                Duration.ofMillis(500), Duration.ofSeconds(3), 50, Duration.ofSeconds(2)));
    for (Map<String, String> bad :
        List.of(
            Map.of("VISIONA_PROXY_REPLICA_ID", "proxy 1"),
            Map.of("VISIONA_PROXY_REPLICA_ID", "x".repeat(65)),
            Map.of("VISIONA_PROXY_REPLICA_INTERNAL_URL", "ftp://10.0.0.6"),
            Map.of("VISIONA_PROXY_PRESENCE_REPORT_INTERVAL", "PT0S"),
            Map.of("VISIONA_PROXY_PRESENCE_MAX_PENDING_EVENTS", "0"))) {
      assertThatThrownBy(() -> ProxySettings.from(ConfigLoader.load(FILE, bad).get("proxy")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("proxy.");
    }
  }
}
