package io.visiona.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.helidon.config.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  @TempDir Path dir;

  private Path yaml() throws Exception {
    Path file = dir.resolve("server.yaml");
    Files.writeString(
        file,
        """
        proxy:
          internal:
            port: 3801
          tunnel:
            max-agents: 100
        """);
    return file;
  }

  @Test
  void fileValuesApplyWithoutEnvironment() throws Exception {
    Config c = ConfigLoader.load(yaml(), Map.of());
    assertThat(c.get("proxy.internal.port").asInt().get()).isEqualTo(3801);
    assertThat(c.get("proxy.tunnel.max-agents").asInt().get()).isEqualTo(100);
  }

  @Test
  void environmentOverridesKeysOfTheFileIncludingDashedOnes() throws Exception {
    Config c =
        ConfigLoader.load(
            yaml(),
            Map.of(
                "VISIONA_PROXY_INTERNAL_PORT", "4801",
                "VISIONA_PROXY_TUNNEL_MAX_AGENTS", "7",
                "PATH", "/bin"));
    assertThat(c.get("proxy.internal.port").asInt().get()).isEqualTo(4801);
    assertThat(c.get("proxy.tunnel.max-agents").asInt().get()).isEqualTo(7);
  }

  @Test
  void unknownVisionaVariablesAreIgnoredNotInvented() throws Exception {
    Config c = ConfigLoader.load(yaml(), Map.of("VISIONA_PROXY_NOPE", "1"));
    assertThat(c.get("proxy.nope").exists()).isFalse();
  }

  @Test
  void envNameFollowsTheDocumentedRule() {
    assertThat(ConfigLoader.envName("proxy.internal.port"))
        .isEqualTo("VISIONA_PROXY_INTERNAL_PORT");
    assertThat(ConfigLoader.envName("api.drain.grace-period"))
        .isEqualTo("VISIONA_API_DRAIN_GRACE_PERIOD");
  }

  @Test
  void configFileComesFromArgumentThenEnvironmentThenDefault() {
    assertThat(ConfigLoader.configFile("x", new String[] {"--config", "/a.yaml"}, Map.of()))
        .isEqualTo(Path.of("/a.yaml"));
    assertThat(ConfigLoader.configFile("x", new String[0], Map.of("VISIONA_CONFIG", "/b.yaml")))
        .isEqualTo(Path.of("/b.yaml"));
    assertThat(ConfigLoader.configFile("x", new String[0], Map.of()))
        .isEqualTo(Path.of("etc", "x.yaml"));
  }

  @Test
  void missingFileIsAClearError() {
    assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("absent.yaml"), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("absent.yaml");
  }
}
