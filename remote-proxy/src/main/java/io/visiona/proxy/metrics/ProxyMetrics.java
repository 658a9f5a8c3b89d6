package io.visiona.proxy.metrics;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.FunctionalCounter;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.Meter;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;
import io.visiona.tunnel.ResetReason;
import io.visiona.tunnel.Session;
import io.visiona.tunnel.SessionStats;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/**
 * remote-proxy's Prometheus meters (served on the internal listener at {@code /observe/metrics}):
 *
 * <ul>
 *   <li>{@code proxy_agents_connected} (gauge), {@code proxy_streams_open} (gauge, tunnel streams)
 *   <li>{@code proxy_tunnel_bytes_total{direction=in|out}}: payload bytes over agent tunnels
 *   <li>{@code proxy_stream_resets_total{reason=...}}: tunnel and link streams reset, by reason
 *   <li>{@code proxy_auth_failures_total{reason=...}}: refused tunnels and internal requests
 *   <li>{@code proxy_keepalive_rtt_seconds{stat=mean|max}}: smoothed yamux ping round trips
 *   <li>{@code proxy_forward_requests_total{outcome=...}}, {@code
 *       proxy_link_streams_total{outcome=...}}
 *   <li>{@code proxy_presence_reports_total{result=ok|unavailable|stale_boot|rejected}} (event
 *       calls), {@code proxy_presence_heartbeats_total{result=ok|failed}}, {@code
 *       proxy_presence_pending_events} (gauge), {@code proxy_presence_resyncs_total} (queue
 *       overflows), {@code proxy_presence_fenced_total} (tunnels closed because a newer connection
 *       of the device won elsewhere)
 * </ul>
 *
 * Counters over sessions add the live sessions' counts to those of ended sessions, so they never go
 * down. {@link #close()} removes the meters (tests start several servers in one JVM).
 */
public final class ProxyMetrics implements AutoCloseable {

  private final MeterRegistry registry;
  private final List<Meter> meters = new CopyOnWriteArrayList<>();
  private final Set<Session> tunnelSessions = ConcurrentHashMap.newKeySet();
  private final Set<Session> allSessions = ConcurrentHashMap.newKeySet();
  private final LongAdder endedBytesIn = new LongAdder();
  private final LongAdder endedBytesOut = new LongAdder();
  private final Map<ResetReason, LongAdder> endedResets = new EnumMap<>(ResetReason.class);
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();

  public ProxyMetrics(MeterRegistry registry, IntSupplier connectedAgents) {
    this.registry = registry;
    for (ResetReason r : ResetReason.values()) {
      endedResets.put(r, new LongAdder());
    }
    add(Gauge.builder("proxy_agents_connected", () -> connectedAgents.getAsInt()));
    add(Gauge.builder("proxy_streams_open", () -> sumTunnels(s -> s.openStreams())));
    add(
        FunctionalCounter.builder(
                "proxy_tunnel_bytes_total",
                this,
                m -> m.endedBytesIn.sum() + m.sumTunnelsLong(SessionStats::bytesIn))
            .tags(List.of(Tag.create("direction", "in"))));
    add(
        FunctionalCounter.builder(
                "proxy_tunnel_bytes_total",
                this,
                m -> m.endedBytesOut.sum() + m.sumTunnelsLong(SessionStats::bytesOut))
            .tags(List.of(Tag.create("direction", "out"))));
    for (ResetReason r : ResetReason.values()) {
      add(
          FunctionalCounter.builder("proxy_stream_resets_total", this, m -> m.resets(r))
              .tags(List.of(Tag.create("reason", r.name().toLowerCase(Locale.ROOT)))));
    }
    add(
        Gauge.builder("proxy_keepalive_rtt_seconds", this, m -> m.rtt(false))
            .tags(List.of(Tag.create("stat", "mean"))));
    add(
        Gauge.builder("proxy_keepalive_rtt_seconds", this, m -> m.rtt(true))
            .tags(List.of(Tag.create("stat", "max"))));
  }

  private <B extends Meter.Builder<B, M>, M extends Meter> void add(B builder) {
    meters.add(registry.getOrCreate(builder));
  }

  /** Follows a session's counters until it closes; {@code tunnel} marks agent tunnels. */
  public void track(Session session, boolean tunnel) {
    allSessions.add(session);
    if (tunnel) {
      tunnelSessions.add(session);
    }
    session.onClose(
        cause -> {
          SessionStats s = session.stats();
          if (tunnelSessions.remove(session)) {
            endedBytesIn.add(s.bytesIn());
            endedBytesOut.add(s.bytesOut());
          }
          if (allSessions.remove(session)) {
            s.resets().forEach((r, n) -> endedResets.get(r).add(n));
          }
        });
  }

  public void authFailure(String reason) {
    counter("proxy_auth_failures_total", "reason", reason).increment();
  }

  public void forwardOutcome(String outcome) {
    counter("proxy_forward_requests_total", "outcome", outcome).increment();
  }

  public void linkStreamOutcome(String outcome) {
    counter("proxy_link_streams_total", "outcome", outcome).increment();
  }

  /** Events waiting for the api-server (presence reporter). */
  public void presencePending(IntSupplier pending) {
    add(Gauge.builder("proxy_presence_pending_events", () -> pending.getAsInt()));
  }

  public void presenceReport(String result) {
    counter("proxy_presence_reports_total", "result", result).increment();
  }

  public void presenceHeartbeat(String result) {
    counter("proxy_presence_heartbeats_total", "result", result).increment();
  }

  public void presenceResync() {
    counter("proxy_presence_resyncs_total").increment();
  }

  public void presenceFenced() {
    counter("proxy_presence_fenced_total").increment();
  }

  private Counter counter(String name) {
    return counters.computeIfAbsent(
        name,
        k -> {
          Counter c = registry.getOrCreate(Counter.builder(name));
          meters.add(c);
          return c;
        });
  }

  private Counter counter(String name, String tag, String value) {
    String v = value.toLowerCase(Locale.ROOT);
    return counters.computeIfAbsent(
        name + "|" + v,
        k -> {
          Counter c = registry.getOrCreate(Counter.builder(name).tags(List.of(Tag.create(tag, v))));
          meters.add(c);
          return c;
        });
  }

  private long resets(ResetReason r) {
    long n = endedResets.get(r).sum();
    for (Session s : allSessions) {
      n += s.stats().resets().getOrDefault(r, 0L);
    }
    return n;
  }

  private int sumTunnels(java.util.function.ToIntFunction<SessionStats> f) {
    int n = 0;
    for (Session s : tunnelSessions) {
      n += f.applyAsInt(s.stats());
    }
    return n;
  }

  private long sumTunnelsLong(java.util.function.ToLongFunction<SessionStats> f) {
    long n = 0;
    for (Session s : tunnelSessions) {
      n += f.applyAsLong(s.stats());
    }
    return n;
  }

  private double rtt(boolean max) {
    double sum = 0;
    double top = 0;
    int n = 0;
    for (Session s : tunnelSessions) {
      Duration rtt = s.stats().rtt();
      if (rtt != null) {
        double v = rtt.toNanos() / 1e9;
        sum += v;
        top = Math.max(top, v);
        n++;
      }
    }
    return max ? top : n == 0 ? 0 : sum / n;
  }

  @Override
  public void close() {
    meters.forEach(registry::remove);
    meters.clear();
    counters.clear();
  }
}
