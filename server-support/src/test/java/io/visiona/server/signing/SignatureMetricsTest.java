package io.visiona.server.signing;

import static org.assertj.core.api.Assertions.assertThat;

import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.Tag;
import java.util.List;
import org.junit.jupiter.api.Test;

class SignatureMetricsTest {

  private static long count(RejectReason reason) {
    return Metrics.globalRegistry()
        .counter(
            SignatureMetrics.NAME,
            List.of(Tag.create("direction", "proxy-to-api"), Tag.create("reason", reason.name())))
        .orElseThrow()
        .count();
  }

  @Test
  void countsRefusalsByReasonAndStartsEveryReasonAtZero() {
    var hook = SignatureMetrics.counter(Direction.PROXY_TO_API);
    long replays = count(RejectReason.REPLAY);
    long stale = count(RejectReason.STALE);
    hook.accept(RejectReason.REPLAY);
    hook.accept(RejectReason.REPLAY);
    assertThat(count(RejectReason.REPLAY)).isEqualTo(replays + 2);
    assertThat(count(RejectReason.STALE)).isEqualTo(stale);
  }
}
