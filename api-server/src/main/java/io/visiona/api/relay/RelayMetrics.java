package io.visiona.api.relay;

import io.helidon.metrics.api.FunctionalCounter;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.Meter;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.Tag;
import java.util.ArrayList;
import java.util.List;

/**
 * One relay link's meters, tagged {@code replica}: {@code api_relay_link_up} (1 or 0), {@code
 * api_relay_link_connects_total}, {@code api_relay_streams_open} and {@code
 * api_relay_bytes_total{direction=in|out}} (over every link session so far).
 */
final class RelayMetrics implements AutoCloseable {

  private final MeterRegistry registry = Metrics.globalRegistry();
  private final List<Meter> meters = new ArrayList<>();

  RelayMetrics(RelayLink link, String replica) {
    Tag r = Tag.create("replica", replica);
    add(Gauge.builder("api_relay_link_up", () -> link.connected() ? 1 : 0).tags(List.of(r)));
    add(
        FunctionalCounter.builder("api_relay_link_connects_total", link, RelayLink::connects)
            .tags(List.of(r)));
    add(Gauge.builder("api_relay_streams_open", link::openStreams).tags(List.of(r)));
    add(
        FunctionalCounter.builder("api_relay_bytes_total", link, l -> l.bytes(true))
            .tags(List.of(r, Tag.create("direction", "in"))));
    add(
        FunctionalCounter.builder("api_relay_bytes_total", link, l -> l.bytes(false))
            .tags(List.of(r, Tag.create("direction", "out"))));
  }

  private <B extends Meter.Builder<B, M>, M extends Meter> void add(B builder) {
    meters.add(registry.getOrCreate(builder));
  }

  @Override
  public void close() {
    meters.forEach(registry::remove);
  }
}
