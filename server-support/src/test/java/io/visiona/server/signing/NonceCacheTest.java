package io.visiona.server.signing;

import static io.visiona.server.signing.NonceCache.Outcome.FIRST_SEEN;
import static io.visiona.server.signing.NonceCache.Outcome.FULL;
import static io.visiona.server.signing.NonceCache.Outcome.REPLAY;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NonceCacheTest {

  @Test
  void secondUseWithinTheWindowIsAReplay() {
    NonceCache cache = new NonceCache(10);
    assertThat(cache.add("n", 1300, 1000)).isEqualTo(FIRST_SEEN);
    assertThat(cache.add("n", 1300, 1300)).isEqualTo(REPLAY);
  }

  @Test
  void whenFullNewNoncesAreRefusedAndOldOnesStillRemembered() {
    NonceCache cache = new NonceCache(2);
    assertThat(cache.add("a", 1300, 1000)).isEqualTo(FIRST_SEEN);
    assertThat(cache.add("b", 1400, 1000)).isEqualTo(FIRST_SEEN);
    assertThat(cache.add("c", 1300, 1000)).isEqualTo(FULL);
    assertThat(cache.add("a", 1300, 1000)).isEqualTo(REPLAY);
    assertThat(cache.size()).isEqualTo(2);
  }

  @Test
  void onlyExpiredEntriesAreEvictedAndInExpiryOrder() {
    NonceCache cache = new NonceCache(2);
    cache.add("late", 1400, 1000);
    cache.add("early", 1300, 1000);
    // At 1300 "early" is still inside its window.
    assertThat(cache.add("c", 1500, 1300)).isEqualTo(FULL);
    // At 1301 it has expired and makes room; "late" stays.
    assertThat(cache.add("c", 1500, 1301)).isEqualTo(FIRST_SEEN);
    assertThat(cache.add("late", 1400, 1301)).isEqualTo(REPLAY);
    assertThat(cache.add("early", 1300, 1301)).isEqualTo(FULL);
  }
}
