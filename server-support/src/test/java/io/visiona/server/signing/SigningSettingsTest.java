package io.visiona.server.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.helidon.config.Config;
import io.visiona.server.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SigningSettingsTest {

  private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
  private static final Clock CLOCK = new MutableClock(T0);

  @TempDir Path dir;

  private Config load(Map<String, String> env) throws Exception {
    Path file = dir.resolve("proxy.yaml");
    Files.writeString(
        file,
        """
        proxy:
          signing:
            keys:
              api-to-proxy: ""
              proxy-to-api: ""
            max-clock-skew: PT2M
            replay-cache-size: 5000
            max-body-bytes: 65536
        """);
    return ConfigLoader.load(file, env).get("proxy.signing");
  }

  @Test
  void keysComeFromTheEnvironmentThroughConfigLoader() throws Exception {
    String secret = TestKeys.base64(1);
    var settings =
        SigningSettings.from(
            load(
                Map.of(
                    "VISIONA_PROXY_SIGNING_KEYS_API_TO_PROXY",
                    "a2:" + secret + ",a1:" + TestKeys.base64(2) + ":2026-03-02T00:00:00Z",
                    "VISIONA_PROXY_SIGNING_KEYS_PROXY_TO_API",
                    "p1:" + TestKeys.base64(3))),
            CLOCK);
    assertThat(settings.keys(Direction.API_TO_PROXY).keys())
        .extracting(SigningKey::id)
        .containsExactly("a2", "a1");
    assertThat(settings.keys(Direction.PROXY_TO_API).current(T0).id()).isEqualTo("p1");
    assertThat(settings.maxClockSkew()).isEqualTo(Duration.ofMinutes(2));
    assertThat(settings.replayCacheSize()).isEqualTo(5000);
    assertThat(settings.maxBodyBytes()).isEqualTo(65536);
    assertThat(settings.toString()).contains("a2").doesNotContain(secret);
  }

  @Test
  void signerAndVerifierFromTheSameSettingsAgree() throws Exception {
    var settings =
        SigningSettings.from(
            load(
                Map.of(
                    "VISIONA_PROXY_SIGNING_KEYS_API_TO_PROXY", "a:" + TestKeys.base64(1),
                    "VISIONA_PROXY_SIGNING_KEYS_PROXY_TO_API", "p:" + TestKeys.base64(2))),
            CLOCK);
    SignedHeaders h = settings.signer(Direction.PROXY_TO_API, CLOCK).sign("GET", "/x", new byte[0]);
    var verify =
        (java.util.function.Function<Direction, VerificationResult>)
            d ->
                settings
                    .verifier(d, CLOCK)
                    .verify(
                        "GET",
                        "/x",
                        java.util.List.of(h.signature()),
                        java.util.List.of(h.contentDigest()),
                        new byte[0]);
    assertThat(verify.apply(Direction.PROXY_TO_API)).isEqualTo(VerificationResult.accepted("p"));
    assertThat(verify.apply(Direction.API_TO_PROXY).accepted()).isFalse();
  }

  @Test
  void missingKeysNameTheEnvironmentVariable() throws Exception {
    Config config =
        load(Map.of("VISIONA_PROXY_SIGNING_KEYS_API_TO_PROXY", "a:" + TestKeys.base64(1)));
    assertThatThrownBy(() -> SigningSettings.from(config, CLOCK))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("proxy.signing.keys.proxy-to-api")
        .hasMessageContaining("VISIONA_PROXY_SIGNING_KEYS_PROXY_TO_API")
        .hasMessageContaining("no signing keys");
  }

  @Test
  void shortKeyIsAStartupErrorThatDoesNotEchoTheKey() throws Exception {
    String shortKey = java.util.Base64.getEncoder().encodeToString(new byte[16]);
    Config config =
        load(
            Map.of(
                "VISIONA_PROXY_SIGNING_KEYS_API_TO_PROXY", "a:" + shortKey,
                "VISIONA_PROXY_SIGNING_KEYS_PROXY_TO_API", "p:" + TestKeys.base64(2)));
    assertThatThrownBy(() -> SigningSettings.from(config, CLOCK))
        .hasMessageContaining("VISIONA_PROXY_SIGNING_KEYS_API_TO_PROXY")
        .hasMessageContaining("128 bits; at least 256")
        .message()
        .doesNotContain(shortKey);
  }

  @Test
  void aRingWhoseKeysAreAllRetiredIsAStartupError() throws Exception {
    Config config =
        load(
            Map.of(
                "VISIONA_PROXY_SIGNING_KEYS_API_TO_PROXY",
                "a:" + TestKeys.base64(1) + ":2026-01-01T00:00:00Z",
                "VISIONA_PROXY_SIGNING_KEYS_PROXY_TO_API",
                "p:" + TestKeys.base64(2)));
    assertThatThrownBy(() -> SigningSettings.from(config, CLOCK)).hasMessageContaining("retired");
  }

  @Test
  void bothDirectionsSharingASecretIsAStartupError() throws Exception {
    Config config =
        load(
            Map.of(
                "VISIONA_PROXY_SIGNING_KEYS_API_TO_PROXY", "a:" + TestKeys.base64(1),
                "VISIONA_PROXY_SIGNING_KEYS_PROXY_TO_API", "p:" + TestKeys.base64(1)));
    assertThatThrownBy(() -> SigningSettings.from(config, CLOCK))
        .hasMessageContaining("must use different secrets");
  }

  @Test
  void outOfRangeLimitsAreStartupErrors() {
    var rings =
        Map.of(
            Direction.API_TO_PROXY, TestKeys.ring(TestKeys.key("a", 1)),
            Direction.PROXY_TO_API, TestKeys.ring(TestKeys.key("p", 2)));
    assertThatThrownBy(() -> new SigningSettings(rings, Duration.ZERO, 10, 10))
        .hasMessageContaining("max-clock-skew");
    assertThatThrownBy(() -> new SigningSettings(rings, Duration.ofMinutes(5), 0, 10))
        .hasMessageContaining("replay-cache-size");
    assertThatThrownBy(() -> new SigningSettings(rings, Duration.ofMinutes(5), 10, -1))
        .hasMessageContaining("max-body-bytes");
  }
}
