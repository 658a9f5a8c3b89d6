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
    return new CachingAuthenticator(
        backend, Duration.ofSeconds(30), max, Duration.ofSeconds(5), max, clock);
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
  void refusalsAreRememberedForTheirShorterTtl() throws Exception {
    CachingAuthenticator cache = cache(100);
    assertThat(cache.authenticate("nope")).isEmpty();
    assertThat(cache.authenticate("nope")).isEmpty();
    assertThat(cache.cached("nope")).containsInstanceOf(CachedAnswer.Refused.class);
    assertThat(backend.calls()).isEqualTo(1);
    assertThat(cache.size()).isZero();
    assertThat(cache.refusals()).isEqualTo(1);
    clock.advance(Duration.ofSeconds(6));
    assertThat(cache.cached("nope")).isEmpty();
    assertThat(cache.authenticate("nope")).isEmpty();
    assertThat(backend.calls()).isEqualTo(2);
  }

  @Test
  void aFloodOfRefusalsDoesNotPushOutAcceptedCredentials() throws Exception {
    CachingAuthenticator cache = cache(3);
    cache.authenticate("c1");
    for (int i = 0; i < 10; i++) {
      cache.authenticate("guess-" + i);
    }
    assertThat(cache.refusals()).isEqualTo(3);
    assertThat(cache.holds("c1")).isTrue();
    assertThat(cache.cached("c1"))
        .contains(new CachedAnswer.Accepted(new AgentIdentity("d1", "owner-of-d1")));
  }

  @Test
  void zeroTtlsRememberNothing() throws Exception {
    CachingAuthenticator cache =
        new CachingAuthenticator(backend, Duration.ZERO, 10, Duration.ZERO, 10, clock);
    cache.authenticate("c1");
    cache.authenticate("c1");
    cache.authenticate("nope");
    cache.authenticate("nope");
    assertThat(backend.calls()).isEqualTo(4);
    assertThat(cache.cached("c1")).isEmpty();
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
    cache.authenticate("wrong");
    assertThat(cache.keys())
        .containsExactlyInAnyOrder(Credentials.hash("c1"), Credentials.hash("wrong"))
        .doesNotContain("c1", "wrong");
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
