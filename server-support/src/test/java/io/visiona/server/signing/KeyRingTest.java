package io.visiona.server.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class KeyRingTest {

  private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

  @Test
  void parsesBase64AndBase64UrlWithAndWithoutPaddingAndNotAfter() {
    byte[] secret = new byte[33];
    secret[0] = (byte) 0xfb; // makes base64 and base64url differ ('+'/'/' vs '-'/'_')
    secret[1] = (byte) 0xff;
    String std = Base64.getEncoder().encodeToString(secret);
    String url = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    assertThat(std).containsAnyOf("+", "/");
    KeyRing ring = KeyRing.parse(" a:" + std + ", b:" + url + ":2026-04-01T00:00:00Z\nc:" + std);
    assertThat(ring.keys()).extracting(SigningKey::id).containsExactly("a", "b", "c");
    assertThat(ring.find("b").orElseThrow().notAfter())
        .hasValue(Instant.parse("2026-04-01T00:00:00Z"));
    assertThat(ring.find("a").orElseThrow().notAfter()).isEmpty();
    assertThat(ring.find("zz")).isEmpty();
  }

  @Test
  void aStrayLeadingOrTrailingSeparatorIsNotAnEntry() {
    String secret = TestKeys.base64(4);
    assertThat(KeyRing.parse(", k1:" + secret + ",").keys())
        .extracting(SigningKey::id)
        .containsExactly("k1");
  }

  @Test
  void aKeyMacsAndVerifiesInBase64Url() {
    SigningKey key = TestKeys.key("k1", 1);
    String mac = key.macBase64Url("data");
    assertThat(mac).matches("[A-Za-z0-9_-]{43}");
    assertThat(key.verifiesBase64Url("data", mac)).isTrue();
    assertThat(key.verifiesBase64Url("datA", mac)).isFalse();
    assertThat(TestKeys.key("k1", 2).verifiesBase64Url("data", mac)).isFalse();
    assertThat(key.verifiesBase64Url("data", null)).isFalse();
  }

  @Test
  void currentKeyIsTheFirstNotRetired() {
    KeyRing ring =
        TestKeys.ring(TestKeys.key("old", 1, T0), TestKeys.key("new", 2), TestKeys.key("x", 3));
    assertThat(ring.current(T0).id()).isEqualTo("old");
    assertThat(ring.current(T0.plusSeconds(1)).id()).isEqualTo("new");
  }

  @Test
  void allRetiredIsAnErrorWhenSigning() {
    KeyRing ring = TestKeys.ring(TestKeys.key("old", 1, T0));
    assertThatThrownBy(() -> ring.current(T0.plusSeconds(1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("retired");
  }

  @Test
  void shortKeyIsRefusedWithoutShowingIt() {
    String shortKey = Base64.getEncoder().encodeToString(new byte[31]);
    assertThatThrownBy(() -> KeyRing.parse("k1:" + shortKey))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'k1' is 248 bits; at least 256")
        .message()
        .doesNotContain(shortKey);
  }

  @Test
  void malformedEntriesAreRefusedWithoutShowingKeyMaterial() {
    String secret = TestKeys.base64(5);
    String broken = secret.substring(0, 10) + "*" + secret.substring(11);
    assertThatThrownBy(() -> KeyRing.parse("k1:" + broken))
        .hasMessageContaining("'k1' (entry 1) is not valid base64")
        .message()
        .doesNotContain(broken.substring(0, 10));
    assertThatThrownBy(() -> KeyRing.parse(secret))
        .hasMessageContaining("entry 1 is not kid:base64key");
    assertThatThrownBy(() -> KeyRing.parse("k1:" + secret + ":tomorrow"))
        .hasMessageContaining("not-after is not an ISO-8601 instant");
    assertThatThrownBy(() -> KeyRing.parse("k/1:" + secret)).hasMessageContaining("key id");
    assertThatThrownBy(() -> KeyRing.parse("k1:" + secret + ",k1:" + TestKeys.base64(6)))
        .hasMessageContaining("appears twice");
    assertThatThrownBy(() -> KeyRing.parse("  ")).hasMessageContaining("no signing keys");
  }

  @Test
  void toStringNeverShowsSecrets() {
    String secret = TestKeys.base64(7);
    KeyRing ring = KeyRing.parse("k1:" + secret);
    assertThat(ring.toString()).contains("k1").contains("<redacted>").doesNotContain(secret);
    assertThat(new RequestSigner(Direction.API_TO_PROXY, ring, java.time.Clock.systemUTC()))
        .asString()
        .doesNotContain(secret);
  }

  @Test
  void detectsASecretSharedAcrossRings() {
    KeyRing a = TestKeys.ring(TestKeys.key("a", 1));
    assertThat(a.sharesSecretWith(TestKeys.ring(TestKeys.key("b", 1)))).isTrue();
    assertThat(a.sharesSecretWith(TestKeys.ring(TestKeys.key("a", 2)))).isFalse();
  }
}
