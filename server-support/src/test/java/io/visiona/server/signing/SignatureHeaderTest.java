package io.visiona.server.signing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SignatureHeaderTest {

  private static final String NONCE = "AAAAAAAAAAAAAAAAAAAAAA";
  private static final String SIG = "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB";

  @Test
  void formatAndParseRoundTrip() {
    var h = new SignatureHeader("k1", 1772366400L, NONCE, SIG);
    assertThat(h.format())
        .isEqualTo("keyid=\"k1\",created=1772366400,nonce=\"" + NONCE + "\",sig=\"" + SIG + "\"");
    assertThat(SignatureHeader.parse(h.format())).hasValue(h);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "keyid=\"k1\",created=1,nonce=\"" + NONCE + "\"",
        "created=1,keyid=\"k1\",nonce=\"" + NONCE + "\",sig=\"" + SIG + "\"",
        "keyid=\"k1\", created=1,nonce=\"" + NONCE + "\",sig=\"" + SIG + "\"",
        "keyid=\"k1\",created=-1,nonce=\"" + NONCE + "\",sig=\"" + SIG + "\"",
        "keyid=\"k1\",created=01,nonce=\"" + NONCE + "\",sig=\"" + SIG + "\"",
        "keyid=\"k1\",created=1,nonce=\"short\",sig=\"" + SIG + "\"",
        "keyid=\"k1\",created=1,nonce=\"" + NONCE + "\",sig=\"" + SIG + "=\"",
        "keyid=\"k1\",created=1,nonce=\"" + NONCE + "\",sig=\"" + SIG + "\",extra=1",
        "keyid=\"k\n1\",created=1,nonce=\"" + NONCE + "\",sig=\"" + SIG + "\"",
      })
  void anythingButTheExactFormIsRefused(String value) {
    assertThat(SignatureHeader.parse(value)).isEmpty();
  }

  @Test
  void emptyBodyHasTheDigestOfZeroBytes() {
    // printf "" | sha256sum | xxd -r -p | base64
    assertThat(ContentDigest.of(new byte[0]))
        .isEqualTo("sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:");
  }
}
