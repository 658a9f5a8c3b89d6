package io.visiona.tunnel;

import java.time.Duration;
import java.util.Map;

/**
 * Counters of one session.
 *
 * @param openStreams streams the session currently holds
 * @param pendingAccepts inbound streams waiting for {@link Session#acceptStream}
 * @param bytesIn payload bytes received
 * @param bytesOut payload bytes sent
 * @param resets streams reset, by reason
 * @param windowStalls writes that had to wait for send window
 * @param committedWindow bytes of receive window currently promised to the peer (memory bound)
 * @param rtt smoothed ping round trip, {@code null} until measured
 */
public record SessionStats(
    int openStreams,
    int pendingAccepts,
    long bytesIn,
    long bytesOut,
    Map<ResetReason, Long> resets,
    long windowStalls,
    long committedWindow,
    Duration rtt) {

  public long totalResets() {
    return resets.values().stream().mapToLong(Long::longValue).sum();
  }
}
