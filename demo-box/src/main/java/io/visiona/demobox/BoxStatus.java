package io.visiona.demobox;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.LongAdder;

/** What {@code GET /api/status} tells: the box's name, uptime, camera frames sent, and the time. */
final class BoxStatus {

  private final String name;
  private final Clock clock;
  private final Instant started;
  private final LongAdder framesSent = new LongAdder();

  BoxStatus(String name, Clock clock) {
    this.name = name;
    this.clock = clock;
    this.started = clock.instant();
  }

  void frameSent() {
    framesSent.increment();
  }

  long framesSent() {
    return framesSent.sum();
  }

  String json() {
    Instant now = clock.instant();
    return "{\"name\":"
        + Json.quote(name)
        + ",\"uptime_seconds\":"
        + Duration.between(started, now).toSeconds()
        + ",\"frames_sent\":"
        + framesSent()
        + ",\"time\":"
        + Json.quote(now.toString())
        + "}";
  }
}
