package io.visiona.server.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class AddressRateLimiterTest {

  private final Instant start = Instant.parse("2026-01-01T00:00:00Z");
  private Instant now = start;
  private final Clock clock =
      new Clock() {
        @Override
        public Instant instant() {
          return now;
        }

        @Override
        public java.time.ZoneId getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
          return this;
        }
      };

  @Test
  void anAddressGetsItsBurstThenIsRefused() {
    AddressRateLimiter limiter = new AddressRateLimiter(1, 5, 100, clock);
    for (int i = 0; i < 5; i++) {
      assertThat(limiter.tryAcquire("10.0.0.1")).as("permit %d", i).isTrue();
    }
    assertThat(limiter.tryAcquire("10.0.0.1")).isFalse();
  }

  @Test
  void aReleasedPermitCanBeTakenAgainButNeverBeyondTheBurst() {
    AddressRateLimiter limiter = new AddressRateLimiter(1, 2, 100, clock);
    assertThat(limiter.tryAcquire("a")).isTrue();
    assertThat(limiter.tryAcquire("a")).isTrue();
    assertThat(limiter.tryAcquire("a")).isFalse();
    limiter.release("a");
    assertThat(limiter.tryAcquire("a")).isTrue();
    limiter.release("a");
    limiter.release("a");
    limiter.release("a");
    assertThat(limiter.tryAcquire("a")).isTrue();
    assertThat(limiter.tryAcquire("a")).isTrue();
    assertThat(limiter.tryAcquire("a")).isFalse();
    limiter.release("unknown");
    assertThat(limiter.trackedAddresses()).isEqualTo(1);
  }

  @Test
  void oneAddressEmptyingItsBucketDoesNotLockOutAnother() {
    AddressRateLimiter limiter = new AddressRateLimiter(1, 3, 100, clock);
    while (limiter.tryAcquire("10.0.0.1")) {
      // empty the attacker's bucket
    }
    assertThat(limiter.tryAcquire("10.0.0.2")).isTrue();
  }

  @Test
  void tokensComeBackAtTheConfiguredRateUpToTheBurst() {
    AddressRateLimiter limiter = new AddressRateLimiter(2, 4, 100, clock);
    while (limiter.tryAcquire("a")) {
      // empty it
    }
    now = now.plus(Duration.ofMillis(500)); // one token at 2/s
    assertThat(limiter.tryAcquire("a")).isTrue();
    assertThat(limiter.tryAcquire("a")).isFalse();
    now = now.plus(Duration.ofHours(1)); // refills to the burst, no further
    for (int i = 0; i < 4; i++) {
      assertThat(limiter.tryAcquire("a")).isTrue();
    }
    assertThat(limiter.tryAcquire("a")).isFalse();
  }

  @Test
  void theMapOfAddressesIsBoundedAndForgetsTheLeastRecentlyUsed() {
    AddressRateLimiter limiter = new AddressRateLimiter(1, 1, 3, clock);
    assertThat(limiter.tryAcquire("a")).isTrue();
    assertThat(limiter.tryAcquire("b")).isTrue();
    assertThat(limiter.tryAcquire("c")).isTrue();
    assertThat(limiter.tryAcquire("a")).isFalse(); // touches a: b is now the eldest
    for (int i = 0; i < 10_000; i++) {
      limiter.tryAcquire("x" + i);
      assertThat(limiter.trackedAddresses()).isLessThanOrEqualTo(3);
    }
    // every old address was forgotten and starts again with a full bucket
    assertThat(limiter.tryAcquire("a")).isTrue();
  }

  @Test
  void refusesNonsenseSettings() {
    assertThatThrownBy(() -> new AddressRateLimiter(0, 1, 1, clock))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new AddressRateLimiter(1, 0, 1, clock))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new AddressRateLimiter(1, 1, 0, clock))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
