package io.visiona.proxy.forward;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ResponseBodyTest {

  private static byte[] random(int n) {
    byte[] b = new byte[n];
    new Random(n).nextBytes(b);
    return b;
  }

  @Test
  void untilEndAtTheLimitIsKeptWhole() throws Exception {
    ForwardBudget budget = new ForwardBudget(1 << 20);
    byte[] data = random(ResponseBody.BLOCK * 2);
    try (ForwardBudget.Lease lease = budget.tryLease(0)) {
      ResponseBody body = new ResponseBody(lease);
      assertThat(body.appendUntilEnd(new ByteArrayInputStream(data), data.length)).isTrue();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      body.writeTo(out);
      assertThat(out.toByteArray()).isEqualTo(data);
      // one byte is probed past the limit to see that the stream ends there
      assertThat(lease.held()).isEqualTo(data.length + 1L);
    }
  }

  @Test
  void aBodyOverTheLimitLeasesOneByteBeyondIt() throws Exception {
    ForwardBudget budget = new ForwardBudget(1 << 20);
    int max = ResponseBody.BLOCK * 2;
    try (ForwardBudget.Lease lease = budget.tryLease(0)) {
      ResponseBody body = new ResponseBody(lease);
      assertThat(body.appendUntilEnd(new ByteArrayInputStream(random(max * 2)), max)).isFalse();
      assertThat(body.length()).isEqualTo(max + 1L);
      assertThat(lease.held()).isEqualTo(max + 1L);
    }
    assertThat(budget.used()).isZero();
  }

  @Test
  void knownLengthBlocksFitTheBody() throws Exception {
    ForwardBudget budget = new ForwardBudget(1 << 20);
    byte[] data = random(ResponseBody.BLOCK + 10);
    try (ForwardBudget.Lease lease = budget.tryLease(0)) {
      ResponseBody body = new ResponseBody(lease);
      assertThat(body.append(new ByteArrayInputStream(data), data.length)).isTrue();
      assertThat(lease.held()).isEqualTo(data.length);
      ResponseBody cut = new ResponseBody(lease);
      assertThat(cut.append(new ByteArrayInputStream(data, 0, 5), 10)).isFalse();
      assertThat(cut.length()).isEqualTo(5);
    }
  }
}
