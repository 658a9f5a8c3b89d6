package io.visiona.proxy.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.visiona.server.errors.ApiError;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The body is found in the JSON, checked and measured, and decoded from the JSON bytes. */
class ForwardRequestTest {

  private static ForwardRequest parse(String json) {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    return ForwardRequest.parse(() -> new ByteArrayInputStream(bytes), 1 << 20);
  }

  private static byte[] decoded(ForwardRequest r) throws Exception {
    try (InputStream in = r.body().decoded().open()) {
      byte[] bytes = in.readAllBytes();
      assertThat(bytes).hasSize((int) r.body().length());
      return bytes;
    }
  }

  @Test
  void bodyAnywhereInTheObjectIsDecodedToTheSameBytes() throws Exception {
    byte[] body = new byte[100_003];
    new Random(7).nextBytes(body);
    String b64 = Base64.getEncoder().encodeToString(body);
    ForwardRequest first =
        parse(
            "{ \"body\" : \""
                + b64
                + "\", \"device_id\":\"box\",\"method\":\"POST\",\"path\":\"/x\","
                + "\"headers\":{\"body\":\"not this one\",\"X\":[\"a\",\"b\"]}}");
    assertThat(first.deviceId()).isEqualTo("box");
    assertThat(first.headers()).hasSize(3);
    assertThat(decoded(first)).isEqualTo(body);
    ForwardRequest last =
        parse(
            "{\"device_id\":\"box\",\"method\":\"POST\",\"path\":\"/x\",\"body\":\"" + b64 + "\"}");
    assertThat(decoded(last)).isEqualTo(body);
  }

  @Test
  void unpaddedAndEscapedSlashesAreBase64Too() throws Exception {
    byte[] body = {(byte) 0xff, (byte) 0xef, 0x3f, 1};
    String b64 = Base64.getEncoder().withoutPadding().encodeToString(body); // "/+8/AQ"
    assertThat(b64).contains("/");
    ForwardRequest r =
        parse(
            "{\"device_id\":\"box\",\"method\":\"POST\",\"path\":\"/\",\"body\":\""
                + b64.replace("/", "\\/")
                + "\"}");
    assertThat(decoded(r)).isEqualTo(body);
  }

  @Test
  void noBodyNullBodyAndEmptyBodyAreEmpty() throws Exception {
    String base = "\"device_id\":\"box\",\"method\":\"GET\",\"path\":\"/\"";
    assertThat(parse("{" + base + "}").body().length()).isZero();
    assertThat(parse("{" + base + ",\"body\":null}").body().length()).isZero();
    assertThat(decoded(parse("{" + base + ",\"body\":\"\"}"))).isEmpty();
  }

  @Test
  void aNameWrittenWithEscapesIsStillTheBody() throws Exception {
    ForwardRequest r =
        parse("{\"device_id\":\"box\",\"method\":\"GET\",\"path\":\"/\",\"b\\u006fdy\":\"aGk=\"}");
    assertThat(new String(decoded(r), StandardCharsets.US_ASCII)).isEqualTo("hi");
  }

  @Test
  void badBodiesAre400() {
    String base = "{\"device_id\":\"box\",\"method\":\"GET\",\"path\":\"/\",\"body\":";
    for (String bad :
        new String[] {
          "\"a\"}", // one character of a group
          "\"aGk=a\"}", // data after padding
          "\"aGk===\"}",
          "\"aG k\"}",
          "\"aGk\\n\"}",
          "\"aGk\\u0041\"}",
          "7}",
          "\"aGk=\"",
          "\"aGk=\",\"body\":\"aGk=\"}"
        }) {
      assertThatThrownBy(() -> parse(base + bad))
          .as(bad)
          .isInstanceOf(ApiError.class)
          .extracting(e -> ((ApiError) e).code())
          .isEqualTo("BAD_REQUEST");
    }
  }

  @Test
  void theDecodedLengthIsCheckedWithoutDecoding() {
    String b64 = Base64.getEncoder().encodeToString(new byte[(1 << 20) + 1]);
    assertThatThrownBy(
            () ->
                parse(
                    "{\"device_id\":\"box\",\"method\":\"POST\",\"path\":\"/\",\"body\":\""
                        + b64
                        + "\"}"))
        .isInstanceOf(ApiError.class)
        .extracting(e -> ((ApiError) e).code())
        .isEqualTo("BODY_TOO_LARGE");
  }

  @Test
  void budgetLeasesGrowShrinkAndComeBack() {
    ForwardBudget budget = new ForwardBudget(100);
    ForwardBudget.Lease a = budget.tryLease(60);
    assertThat(a).isNotNull();
    assertThat(budget.tryLease(41)).isNull();
    ForwardBudget.Lease b = budget.tryLease(40);
    assertThat(b.tryGrow(1)).isFalse();
    a.shrink(30);
    assertThat(b.tryGrow(30)).isTrue();
    assertThat(budget.used()).isEqualTo(100);
    a.close();
    b.close();
    assertThat(budget.used()).isZero();
  }
}
