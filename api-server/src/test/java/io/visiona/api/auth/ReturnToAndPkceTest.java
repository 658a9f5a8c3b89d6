package io.visiona.api.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.visiona.api.crypto.Hashes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReturnToAndPkceTest {

  @ParameterizedTest
  @ValueSource(strings = {"/", "/devices", "/devices/42?tab=video#live", "/a%2F%2Fb"})
  void localPathsAreAccepted(String path) {
    assertThat(ReturnTo.validate(path)).contains(path);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "//redirect",
        "/\\evil.com",
        "/\t/evil.com",
        "/\r\\evil.com",
        "/ /evil.com",
        "/./\\evil.com",
        "foo.bar/redirect",
        "http://evil.corp/redirect?rd=foo.bar",
        "/\u0000x",
        "/caf\u00e9",
        "",
        // printable, but java.net.URI refuses them (and so would the callback's redirect)
        "/a|b",
        "/a^b",
        "/%zz",
        "/a<b>",
        "/a`b",
        "/a{b}",
        "/a\"b"
      })
  void attackStringsAreRejected(String attack) {
    assertThat(ReturnTo.validate(attack)).isEmpty();
  }

  @Test
  void overlongPathsAreRejected() {
    assertThat(ReturnTo.validate("/" + "a".repeat(ReturnTo.MAX_LENGTH))).isEmpty();
    assertThat(ReturnTo.validate(null)).isEmpty();
  }

  @Test
  void s256MatchesRfc7636AppendixB() {
    assertThat(Hashes.sha256Base64Url("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"))
        .isEqualTo("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
  }

  @Test
  void derivedVerifiersAreValidAndDistinct() {
    String v1 = LoginTransactions.derive("secret", "pkce", "state-1");
    String v2 = LoginTransactions.derive("secret", "pkce", "state-2");
    String n1 = LoginTransactions.derive("secret", "nonce", "state-1");
    String other = LoginTransactions.derive("other-secret", "pkce", "state-1");
    assertThat(v1).matches("[A-Za-z0-9_-]{43}");
    assertThat(v1).isNotEqualTo(v2).isNotEqualTo(n1).isNotEqualTo(other);
  }
}
