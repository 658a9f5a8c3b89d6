package io.visiona.api.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.visiona.server.errors.ApiError;
import io.visiona.server.errors.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamQuotaTest {

  private static void assertRefused(Runnable r) {
    assertThatThrownBy(r::run)
        .isInstanceOfSatisfying(
            ApiError.class,
            e -> {
              assertThat(e.errorCode()).isEqualTo(ErrorCode.TOO_MANY_STREAMS);
              assertThat(e.errorCode().status().code()).isEqualTo(429);
            });
  }

  @Test
  void aPersonAtTheLimitIsRefusedUntilAStreamEnds() {
    StreamQuota q = new StreamQuota(2, 10);
    StreamQuota.Permit a = q.acquire(1, "d1");
    q.acquire(1, "d2");
    assertRefused(() -> q.acquire(1, "d3"));
    assertThat(q.acquire(2, "d3")).as("another person is not affected").isNotNull();
    a.close();
    a.close(); // twice releases once
    q.acquire(1, "d3");
    assertRefused(() -> q.acquire(1, "d1"));
  }

  @Test
  void aDeviceAtTheLimitIsRefusedForEveryoneAndARefusalTakesNothing() {
    StreamQuota q = new StreamQuota(10, 2);
    q.acquire(1, "d");
    q.acquire(2, "d");
    assertRefused(() -> q.acquire(3, "d"));
    assertThat(q.open(3)).as("the refused person's count was given back").isZero();
  }

  @Test
  void releasedCountsLeaveNoEntries() {
    StreamQuota q = new StreamQuota(100, 100);
    List<StreamQuota.Permit> permits = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      permits.add(q.acquire(i % 5, "d" + (i % 7)));
    }
    assertThat(q.open(0)).isEqualTo(10);
    permits.forEach(StreamQuota.Permit::close);
    for (int p = 0; p < 5; p++) {
      assertThat(q.open(p)).isZero();
    }
    assertThat(q.entries()).isZero();
  }
}
