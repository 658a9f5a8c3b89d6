package io.visiona.tunnel;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** A session's traffic counters, for {@link Session#stats()}. */
final class SessionCounters {

  private final LongAdder bytesIn = new LongAdder();
  private final LongAdder bytesOut = new LongAdder();
  private final LongAdder windowStalls = new LongAdder();
  private final Map<ResetReason, LongAdder> resets = new EnumMap<>(ResetReason.class);

  SessionCounters() {
    for (ResetReason r : ResetReason.values()) {
      resets.put(r, new LongAdder());
    }
  }

  void bytesIn(long n) {
    bytesIn.add(n);
  }

  void bytesOut(long n) {
    bytesOut.add(n);
  }

  void windowStall() {
    windowStalls.increment();
  }

  void reset(ResetReason reason) {
    resets.get(reason).increment();
  }

  SessionStats snapshot(int openStreams, int acceptQueue, long committedWindow, long rttNanos) {
    Map<ResetReason, Long> byReason = new EnumMap<>(ResetReason.class);
    resets.forEach((r, n) -> byReason.put(r, n.sum()));
    return new SessionStats(
        openStreams,
        acceptQueue,
        bytesIn.sum(),
        bytesOut.sum(),
        byReason,
        windowStalls.sum(),
        committedWindow,
        rttNanos == 0 ? null : Duration.ofNanos(rttNanos));
  }
}
