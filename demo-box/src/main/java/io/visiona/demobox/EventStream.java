package io.visiona.demobox;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;

/**
 * {@code GET /events}: server-sent events, one a second ({@code {"seq":n,"time":...}}), each
 * flushed at once, until the client goes away.
 */
final class EventStream implements Handler {

  private final Clock clock;
  private final Duration interval;

  EventStream(Clock clock, Duration interval) {
    this.clock = clock;
    this.interval = interval;
  }

  @Override
  public boolean serve(Exchange ex) throws IOException, InterruptedException {
    OutputStream out = ex.out();
    Responses.streamHead(out, "text/event-stream; charset=utf-8");
    long next = System.nanoTime();
    for (long seq = 1; ; seq++) {
      String data = "{\"seq\":" + seq + ",\"time\":" + Json.quote(clock.instant().toString()) + "}";
      // No "event:" field: unnamed events are what EventSource.onmessage (the console) receives.
      out.write(("id: " + seq + "\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      next += interval.toNanos();
      long wait = Math.max(0, next - System.nanoTime());
      Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000)); // pacing, not synchronisation
    }
  }
}
