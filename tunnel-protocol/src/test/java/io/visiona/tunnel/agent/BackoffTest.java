package io.visiona.tunnel.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {

  private static final Duration INITIAL = Duration.ofSeconds(1);
  private static final Duration MAX = Duration.ofSeconds(60);
  private static final Duration STABLE = Duration.ofSeconds(30);

  /** Draws always {@code value}: the lowest (0) or the highest (just below 1) point of a range. */
  private static Random fixed(double value) {
    return new Random() {
      @Override
      public double nextDouble() {
        return value;
      }
    };
  }

  private static Backoff backoff(Random random) {
    return new Backoff(INITIAL, MAX, STABLE, random);
  }

  @Test
  void capDoublesPerFailureUpToTheMaximum() {
    Backoff highest = backoff(fixed(Math.nextDown(1.0)));
    long[] seconds = new long[9];
    for (int i = 0; i < seconds.length; i++) {
      seconds[i] = Math.round(highest.failed().toMillis() / 1000.0);
    }
    assertThat(seconds).containsExactly(1, 2, 4, 8, 16, 32, 60, 60, 60);
  }

  @Test
  void lowestDrawIsHalfTheInitialIntervalNeverZero() {
    Backoff lowest = backoff(fixed(0));
    for (int i = 0; i < 20; i++) {
      assertThat(lowest.failed()).isEqualTo(Duration.ofMillis(500));
    }
  }

  @Test
  void jitterStaysWithinFloorAndCapAndSpreads() {
    Backoff b = backoff(new Random(42));
    long cap = INITIAL.toNanos();
    for (int i = 0; i < 1000; i++) {
      Duration d = b.failed();
      assertThat(d.toNanos()).isBetween(INITIAL.toNanos() / 2, cap);
      cap = Math.min(MAX.toNanos(), cap * 2);
    }
    // At the cap, draws cover the range rather than sticking to one value.
    long min = Long.MAX_VALUE;
    long max = 0;
    for (int i = 0; i < 1000; i++) {
      long d = b.failed().toMillis();
      min = Math.min(min, d);
      max = Math.max(max, d);
    }
    assertThat(min).isLessThan(5_000);
    assertThat(max).isGreaterThan(55_000);
  }

  @Test
  void rejectedCredentialWaitsInTheUpperHalfOfTheMaximum() {
    assertThat(backoff(fixed(0)).rejected()).isEqualTo(Duration.ofSeconds(30));
    assertThat(backoff(fixed(Math.nextDown(1.0))).rejected())
        .isBetween(Duration.ofMillis(59_999), MAX);
    Backoff b = backoff(fixed(Math.nextDown(1.0)));
    b.rejected();
    assertThat(b.failed()).isBetween(Duration.ofMillis(59_999), MAX);
  }

  @Test
  void stableSessionResetsTheCap() {
    Backoff b = backoff(fixed(Math.nextDown(1.0)));
    for (int i = 0; i < 10; i++) {
      b.failed();
    }
    assertThat(b.sessionEnded(STABLE, false)).isBetween(Duration.ofMillis(999), INITIAL);
    assertThat(b.failed()).isBetween(Duration.ofMillis(1999), Duration.ofSeconds(2));
  }

  @Test
  void shortSessionDoesNotResetTheCap() {
    Backoff b = backoff(fixed(Math.nextDown(1.0)));
    for (int i = 0; i < 10; i++) {
      b.failed();
    }
    assertThat(b.sessionEnded(Duration.ofSeconds(5), false)).isGreaterThan(Duration.ofSeconds(59));
  }

  @Test
  void goAwayReconnectsAtOnceButNotTwiceWithoutAStableSession() {
    Backoff b = backoff(fixed(Math.nextDown(1.0)));
    assertThat(b.sessionEnded(Duration.ofSeconds(1), true)).isZero();
    // A proxy that sends GoAway right away again: now the agent backs off.
    assertThat(b.sessionEnded(Duration.ofSeconds(1), true)).isPositive();
    assertThat(b.sessionEnded(Duration.ofSeconds(1), true)).isPositive();
    // After a stable session the next GoAway is prompt again.
    assertThat(b.sessionEnded(STABLE, true)).isZero();
  }

  @Test
  void rejectsInvalidIntervals() {
    assertThatThrownBy(() -> new Backoff(Duration.ZERO, MAX, STABLE, new Random()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Backoff(MAX, INITIAL, STABLE, new Random()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
