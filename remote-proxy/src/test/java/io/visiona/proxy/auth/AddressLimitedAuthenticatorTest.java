package io.visiona.proxy.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.visiona.proxy.support.MapAuthenticator;
import io.visiona.proxy.support.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AddressLimitedAuthenticatorTest {

  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T00:00:00Z"));
  private static final Duration WAIT = Duration.ofSeconds(10);
  private final FailureLimitSettings threeEveryTenSeconds =
      new FailureLimitSettings(true, 3, Duration.ofSeconds(10), 100);

  @Test
  void successesDoNotUseTheBudget() throws Exception {
    MapAuthenticator backend = new MapAuthenticator().add("good", "d1");
    AddressLimitedAuthenticator auth =
        new AddressLimitedAuthenticator(backend, threeEveryTenSeconds, WAIT, clock);
    for (int i = 0; i < 50; i++) {
      assertThat(auth.authenticate("good", "10.0.0.1")).isPresent();
    }
  }

  @Test
  void failuresUseItUpThenNothingIsCheckedUntilItRefills() throws Exception {
    MapAuthenticator backend = new MapAuthenticator().add("good", "d1");
    AddressLimitedAuthenticator auth =
        new AddressLimitedAuthenticator(backend, threeEveryTenSeconds, WAIT, clock);
    for (int i = 0; i < 3; i++) {
      assertThat(auth.authenticate("bad-" + i, "10.0.0.1")).isEmpty();
    }
    assertThatThrownBy(() -> auth.authenticate("good", "10.0.0.1"))
        .isInstanceOf(TooManyFailuresException.class)
        .extracting(e -> ((TooManyFailuresException) e).retryAfter())
        .isEqualTo(Duration.ofSeconds(10));
    assertThat(backend.calls()).isEqualTo(3);
    assertThat(auth.authenticate("good", "10.0.0.2")).isPresent();
    clock.advance(Duration.ofSeconds(10));
    assertThat(auth.authenticate("good", "10.0.0.1")).isPresent();
  }

  @Test
  void anUnavailableApiServerIsNotTheClientsFailure() throws Exception {
    AgentAuthenticator down =
        credential -> {
          throw new AuthUnavailableException("down", null);
        };
    AddressLimitedAuthenticator auth =
        new AddressLimitedAuthenticator(down, threeEveryTenSeconds, WAIT, clock);
    for (int i = 0; i < 10; i++) {
      assertThatThrownBy(() -> auth.authenticate("c", "10.0.0.1"))
          .isInstanceOf(AuthUnavailableException.class);
    }
  }

  /** Answers {@code answer} for every credential once {@link #open} counts down. */
  private static AgentAuthenticator gated(
      CountDownLatch open, AtomicInteger calls, Optional<AgentIdentity> answer) {
    return credential -> {
      calls.incrementAndGet();
      try {
        open.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return answer;
    };
  }

  private static List<Future<Optional<AgentIdentity>>> concurrently(
      ExecutorService pool, AddressLimitedAuthenticator auth, int n) {
    List<Future<Optional<AgentIdentity>>> checks = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String credential = "credential-" + i;
      checks.add(pool.submit(() -> auth.authenticate(credential, "10.0.0.1")));
    }
    return checks;
  }

  @Test
  void concurrentGuessesCannotOverrunTheBudget() throws Exception {
    CountDownLatch open = new CountDownLatch(1);
    AtomicInteger calls = new AtomicInteger();
    AddressLimitedAuthenticator auth =
        new AddressLimitedAuthenticator(
            gated(open, calls, Optional.empty()), threeEveryTenSeconds, WAIT, clock);
    int refused = 0;
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<Optional<AgentIdentity>>> guesses = concurrently(pool, auth, 20);
      // The three permits are held by checks in flight; the other guesses wait for them.
      await().atMost(WAIT).until(() -> calls.get() == 3);
      open.countDown();
      for (Future<Optional<AgentIdentity>> g : guesses) {
        try {
          assertThat(g.get(10, TimeUnit.SECONDS)).isEmpty();
        } catch (ExecutionException e) {
          assertThat(e.getCause()).isInstanceOf(TooManyFailuresException.class);
          refused++;
        }
      }
    }
    assertThat(calls.get()).isEqualTo(3);
    assertThat(refused).isEqualTo(17);
  }

  @Test
  void aFleetBehindOneAddressConnectingAtOnceIsNeverRefused() throws Exception {
    CountDownLatch open = new CountDownLatch(1);
    AtomicInteger calls = new AtomicInteger();
    AddressLimitedAuthenticator auth =
        new AddressLimitedAuthenticator(
            gated(open, calls, Optional.of(new AgentIdentity("d", "o"))),
            threeEveryTenSeconds,
            WAIT,
            clock);
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<Optional<AgentIdentity>>> checks = concurrently(pool, auth, 20);
      await().atMost(WAIT).until(() -> calls.get() == 3);
      open.countDown();
      for (Future<Optional<AgentIdentity>> c : checks) {
        assertThat(c.get(10, TimeUnit.SECONDS)).isPresent();
      }
    }
    assertThat(calls.get()).isEqualTo(20);
  }

  @Test
  void rememberedAnswersSkipTheBudget() throws Exception {
    MapAuthenticator backend = new MapAuthenticator().add("good", "d1");
    CachingAuthenticator cache =
        new CachingAuthenticator(
            backend, Duration.ofSeconds(30), 100, Duration.ofSeconds(5), 100, clock);
    AddressLimitedAuthenticator auth =
        new AddressLimitedAuthenticator(cache, threeEveryTenSeconds, WAIT, clock);
    assertThat(auth.authenticate("good", "10.0.0.1")).isPresent();
    for (int i = 0; i < 3; i++) {
      auth.authenticate("bad-" + i, "10.0.0.1");
    }
    // Over budget, but both answers are remembered: no check, no 429.
    assertThat(auth.authenticate("good", "10.0.0.1")).isPresent();
    assertThat(auth.authenticate("bad-0", "10.0.0.1")).isEmpty();
    assertThat(backend.calls()).isEqualTo(4);
  }
}
