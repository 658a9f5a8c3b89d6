package io.visiona.api.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.visiona.server.signing.SigningKey;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code api.session.cookie-keys} is read by the shared key-ring parser. */
class SessionSettingsTest {

  static SessionSettings from(String keys) {
    return SessionSettings.from(Config.just(ConfigSources.create(Map.of("cookie-keys", keys))));
  }

  @Test
  void keysInTheSharedRingFormatFirstOneSigns() {
    String a = Base64.getEncoder().encodeToString(new byte[32]);
    String b = Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[40]);
    SessionSettings s = from("k2:" + a + ", k1:" + b + ":2030-01-01T00:00:00Z");
    assertThat(s.keys().keys()).extracting(SigningKey::id).containsExactly("k2", "k1");
  }

  @Test
  void anEmptySettingGivesOneRandomKey() {
    assertThat(from("").keys().keys()).extracting(SigningKey::id).containsExactly("tmp");
  }

  @Test
  void badKeysNameTheSettingAndNeverShowTheKey() {
    String shortKey = Base64.getEncoder().encodeToString(new byte[16]);
    assertThatThrownBy(() -> from("k1:" + shortKey))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("api.session.cookie-keys: ")
        .hasMessageContaining("'k1' is 128 bits; at least 256")
        .message()
        .doesNotContain(shortKey);
    assertThatThrownBy(() -> from("nokid")).hasMessageContaining("entry 1 is not kid:base64key");
  }
}
