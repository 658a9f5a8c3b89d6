package io.visiona.proxy.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.visiona.proxy.support.MapAuthenticator;
import io.visiona.proxy.support.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CachingAuthenticatorTest {

  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T00:00:00Z"));
  private final MapAuthenticator backend =
      new MapAuthenticator().add("c1", "d1").add("c2", "d2").add("c3", "d3");

  private CachingAuthenticator cache(int max) {
    return new CachingAuthenticator(backend, Duration.ofSeconds(30), max, clock);
  }

  @Test
  void positiveAnswersAreRememberedUntilTheTtl() throws Exception {
    CachingAuthenticator cache = cache(100);
    assertThat(cache.authenticate("c1")).map(AgentIdentity::deviceId).contains("d1");
    assertThat(cache.authenticate("c1")).isPresent();
    assertThat(backend.calls()).isEqualTo(1);
    clock.advance(Duration.ofSeconds(31));
    assertThat(cache.authenticate("c1")).isPresent();
    assertThat(backend.calls()).isEqualTo(2);
  }

  @Test
  void negativeAnswersAreNotRemembered() throws Exception {
    CachingAuthenticator cache = cache(100);
    assertThat(cache.authenticate("nope")).isEmpty();
    assertThat(cache.authenticate("nope")).isEmpty();
    assertThat(backend.calls()).isEqualTo(2);
    assertThat(cache.size()).isZero();
  }

  @Test
  void boundedLeastRecentlyUsedGoesFirst() throws Exception {
    CachingAuthenticator cache = cache(2);
    cache.authenticate("c1");
    cache.authenticate("c2");
    cache.authenticate("c1"); // c2 is now the least recently used
    cache.authenticate("c3");
    assertThat(cache.size()).isEqualTo(2);
    assertThat(cache.holds("c1")).isTrue();
    assertThat(cache.holds("c2")).isFalse();
    assertThat(cache.holds("c3")).isTrue();
  }

  @Test
  void keysAreHashesNeverTheCredential() throws Exception {
    CachingAuthenticator cache = cache(100);
    cache.authenticate("c1");
    assertThat(cache.keys()).containsExactly(Credentials.hash("c1")).doesNotContain("c1");
    assertThat(Credentials.hash("c1")).hasSize(64);
  }

  @Test
  void forgettingADeviceDropsItsAnswers() throws Exception {
    CachingAuthenticator cache = cache(100);
    cache.authenticate("c1");
    cache.authenticate("c2");
    cache.forgetDevice("d1");
    assertThat(cache.holds("c1")).isFalse();
    assertThat(cache.holds("c2")).isTrue();
  }

  @Test
  void bearerParsing() {
    assertThat(Credentials.bearer("Bearer abc")).contains("abc");
    assertThat(Credentials.bearer("bearer abc")).contains("abc");
    assertThat(Credentials.bearer("Basic abc")).isEmpty();
    assertThat(Credentials.bearer("Bearer ")).isEmpty();
    assertThat(Credentials.bearer(null)).isEmpty();
    assertThat(Credentials.bearer("Bearer a b")).isEmpty();
    assertThat(Credentials.bearer("Bearer " + "x".repeat(Credentials.MAX_LENGTH))).isEmpty();
  }
}
