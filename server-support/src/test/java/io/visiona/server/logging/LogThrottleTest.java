package io.visiona.server.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LogThrottleTest {

  private final AtomicLong nanos = new AtomicLong(1_000);
  private final LogThrottle throttle = new LogThrottle(3, Duration.ofSeconds(10), nanos::get);

  @Test
  void writesUpToTheLimitPerPeriodThenHoldsBack() {
    for (int i = 0; i < 3; i++) {
      assertThat(throttle.admit()).hasValue(0);
    }
    for (int i = 0; i < 1000; i++) {
      assertThat(throttle.admit()).isEmpty();
    }
  }

  @Test
  void theFirstLineOfTheNextPeriodReportsWhatWasHeldBack() {
    for (int i = 0; i < 53; i++) {
      throttle.admit();
    }
    nanos.addAndGet(Duration.ofSeconds(10).toNanos());
    assertThat(throttle.admit()).hasValue(50);
    assertThat(throttle.admit()).hasValue(0);
  }

  @Test
  void heldBackSuffix() {
    assertThat(LogThrottle.heldBack(0)).isEmpty();
    assertThat(LogThrottle.heldBack(7)).isEqualTo(" (7 similar lines held back)");
  }

  @Test
  void aFloodWritesABoundedNumberOfLines() {
    long writtenLines = 0;
    for (int second = 0; second < 60; second++) {
      for (int i = 0; i < 10_000; i++) {
        OptionalLong admitted = throttle.admit();
        if (admitted.isPresent()) {
          writtenLines++;
        }
      }
      nanos.addAndGet(Duration.ofSeconds(1).toNanos());
    }
    // 600,000 events over 60 s: 3 lines per 10 s window
    assertThat(writtenLines).isEqualTo(18);
  }
}
