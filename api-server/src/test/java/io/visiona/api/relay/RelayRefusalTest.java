package io.visiona.api.relay;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The proxy's answers to a new relay stream, as the reasons device access answers with. */
class RelayRefusalTest {

  @ParameterizedTest
  @CsvSource({
    "error TUNNEL_DISCONNECTED device is not connected, DEVICE_OFFLINE",
    "error TOO_MANY_STREAMS device has too many open streams, TOO_MANY_STREAMS",
    "error MEMORY_BUDGET_EXHAUSTED device tunnel memory budget exhausted, TOO_MANY_STREAMS",
    "error DRAINING proxy is draining, RELAY_REFUSED",
    "garbage, RELAY_REFUSED",
    "error, RELAY_REFUSED"
  })
  void answersMapToReasons(String answer, RelayException.Reason reason) {
    assertThat(RelayLink.refusal(answer).reason()).isEqualTo(reason);
  }
}
