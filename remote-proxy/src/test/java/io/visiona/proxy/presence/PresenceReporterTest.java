package io.visiona.proxy.presence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.helidon.metrics.api.Metrics;
import io.visiona.proxy.auth.AgentIdentity;
import io.visiona.proxy.metrics.ProxyMetrics;
import io.visiona.proxy.support.ProxyFixture;
import io.visiona.proxy.support.StandInPresenceApi;
import io.visiona.proxy.support.StandInPresenceApi.Call;
import io.visiona.proxy.tunnel.AgentTunnel;
import io.visiona.proxy.tunnel.TunnelRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The reporter against a stand-in api-server over real HTTP that checks the signature and records
 * the calls; the tunnels are records only (no agents), so that any number of events can be made.
 */
@Timeout(60)
class PresenceReporterTest {

  private static final ReplicaSettings REPLICA =
      new ReplicaSettings("p-test", URI.create("http://10.0.0.5:3801"));

  private StandInPresenceApi api;
  private TunnelRegistry registry;
  private ProxyMetrics metrics;
  private PresenceReporter reporter;

  @BeforeEach
  void start() throws Exception {
    api = new StandInPresenceApi();
    registry = new TunnelRegistry(10_000);
    metrics = new ProxyMetrics(Metrics.globalRegistry(), registry::size);
  }

  @AfterEach
  void stop() {
    if (reporter != null) {
      reporter.close();
    }
    metrics.close();
    api.close();
  }

  private PresenceReporter reporter(PresenceSettings settings) {
    reporter =
        new PresenceReporter(
            REPLICA,
            settings,
            ProxyFixture.presenceClient(api.uri()),
            registry,
            metrics,
            Clock.systemUTC());
    return reporter;
  }

  private static PresenceSettings fast() {
    return new PresenceSettings(
        Duration.ofMillis(50), Duration.ofMinutes(5), 20_000, Duration.ofMillis(200));
  }

  private static AgentTunnel tunnel(String device, String connection) {
    return new AgentTunnel(
        new AgentIdentity(device, "owner"), null, connection, Instant.now(), "192.0.2.1:1");
  }

  @Test
  void heartbeatFirstThenEventsInOrderInCallsOfAtMostAThousand() {
    PresenceReporter r = reporter(fast().withReportInterval(Duration.ofMinutes(5)));
    List<String> expected = new ArrayList<>();
    IntStream.range(0, 2500)
        .forEach(
            i -> {
              AgentTunnel t = tunnel("box-" + i, "c-" + i);
              r.connected(t);
              expected.add("connect box-" + i + " c-" + i);
            });
    assertThat(r.pending()).isEqualTo(2500);
    r.start();

    await().atMost(Duration.ofSeconds(20)).until(() -> api.acceptedEvents().size() == 2500);
    List<Call> calls = api.calls();
    Call heartbeat = calls.get(0);
    assertThat(heartbeat.heartbeat()).isTrue();
    assertThat(heartbeat.body().getString("replica")).isEqualTo("p-test");
    assertThat(heartbeat.body().getString("boot")).isEqualTo(r.boot());
    assertThat(heartbeat.body().getString("internal_url")).isEqualTo("http://10.0.0.5:3801");
    assertThat(heartbeat.body().getInt("tunnels")).isZero();
    assertThat(calls.subList(1, calls.size()))
        .extracting(c -> c.events().size())
        .containsExactly(1000, 1000, 500);
    assertThat(calls.subList(1, calls.size()))
        .allSatisfy(
            c -> {
              assertThat(c.body().getString("replica")).isEqualTo("p-test");
              assertThat(c.body().getString("boot")).isEqualTo(r.boot());
            });
    assertThat(api.acceptedEvents()).isEqualTo(expected);
    assertThat(api.refusedSignatures()).isZero();
    await().until(() -> r.pending() == 0);
  }

  @Test
  void eventsLeaveWithinTheReportInterval() {
    PresenceReporter r = reporter(fast().withReportInterval(Duration.ofMillis(200))).start();
    await().until(() -> api.heartbeats().size() == 1);
    AgentTunnel t = tunnel("box-1", "c-1");
    long before = System.nanoTime();
    r.connected(t);
    r.disconnected(t);
    await().atMost(Duration.ofSeconds(5)).until(() -> api.acceptedEvents().size() == 2);
    Call events = api.calls().get(1);
    assertThat(events.events()).containsExactly("connect box-1 c-1", "disconnect box-1 c-1");
    // Both in one call, sent within the interval (and a scheduling margin).
    assertThat(Duration.ofNanos(events.nanos() - before)).isLessThan(Duration.ofSeconds(2));
    assertThat(
            events.body().getJsonArray("events").getJsonObject(0).getJsonNumber("at").longValue())
        .isEqualTo(t.connectedAt().toEpochMilli());
  }

  @Test
  void failedCallsAreRetriedAndNothingIsLostOrReordered() {
    api.nextEvents(503, StandInPresenceApi.unavailable())
        .nextEvents(503, StandInPresenceApi.unavailable());
    PresenceReporter r = reporter(fast());
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      r.connected(tunnel("box-" + i, "c-" + i));
      expected.add("connect box-" + i + " c-" + i);
    }
    r.start();
    await().until(() -> api.acceptedEvents().size() == 5);
    for (int i = 5; i < 8; i++) {
      r.connected(tunnel("box-" + i, "c-" + i));
      expected.add("connect box-" + i + " c-" + i);
    }
    await().until(() -> api.acceptedEvents().size() == 8);

    List<Call> events = api.calls().stream().filter(c -> !c.heartbeat()).toList();
    assertThat(events).extracting(Call::status).startsWith(503, 503, 200);
    assertThat(events.get(0).events()).isEqualTo(expected.subList(0, 5));
    assertThat(events.get(1).events()).isEqualTo(expected.subList(0, 5));
    assertThat(api.acceptedEvents()).isEqualTo(expected);
  }

  @Test
  void theHeartbeatRepeatsAtItsInterval() {
    Duration interval = Duration.ofMillis(150);
    reporter(fast().withHeartbeatInterval(interval).withReportInterval(Duration.ofMillis(40)))
        .start();
    await().atMost(Duration.ofSeconds(10)).until(() -> api.heartbeats().size() >= 5);
    List<Call> beats = api.heartbeats();
    for (int i = 1; i < beats.size(); i++) {
      assertThat(Duration.ofNanos(beats.get(i).nanos() - beats.get(i - 1).nanos()))
          .isGreaterThanOrEqualTo(interval.minusMillis(10));
    }
    // One call per interval, whatever the number of tunnels: no events without tunnels.
    assertThat(api.calls()).allMatch(Call::heartbeat);
  }

  @Test
  void staleBootIsAnsweredByAHeartbeatAndTheSameEventsAgain() {
    api.nextEvents(409, StandInPresenceApi.staleBoot());
    PresenceReporter r = reporter(fast());
    r.connected(tunnel("box-1", "c-1"));
    r.connected(tunnel("box-2", "c-2"));
    r.start();
    await().until(() -> api.acceptedEvents().size() == 2);
    List<Call> calls = api.calls();
    assertThat(calls)
        .extracting(c -> (c.heartbeat() ? "heartbeat " : "events ") + c.status())
        .startsWith("heartbeat 200", "events 409", "heartbeat 200", "events 200");
    assertThat(calls.get(1).events()).isEqualTo(calls.get(3).events());
    assertThat(api.acceptedEvents()).containsExactly("connect box-1 c-1", "connect box-2 c-2");
  }

  @Test
  void aRejectedBatchIsDroppedAndLaterEventsStillGo() {
    api.nextEvents(400, "{\"error\":{\"code\":\"BAD_REQUEST\",\"message\":\"no\"}}");
    PresenceReporter r = reporter(fast());
    r.connected(tunnel("box-1", "c-1"));
    r.start();
    await().until(() -> api.calls().size() == 2);
    r.connected(tunnel("box-2", "c-2"));
    await().until(() -> api.acceptedEvents().size() == 1);
    assertThat(api.acceptedEvents()).containsExactly("connect box-2 c-2");
  }

  @Test
  void overflowDropsTheQueueAndResyncsEveryLiveTunnelUnderANewBoot() {
    api.eventsAnswer(503, StandInPresenceApi.unavailable());
    PresenceReporter r = reporter(fast().withMaxPendingEvents(3)).start();
    await().until(() -> api.heartbeats().size() == 1);
    String firstBoot = r.boot();
    List<AgentTunnel> live = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      AgentTunnel t = tunnel("box-" + i, "c-" + i);
      registry.register(t);
      live.add(t);
    }
    // A tunnel that came and went before the overflow: its disconnect is among the dropped.
    AgentTunnel gone = tunnel("box-gone", "c-9");
    registry.register(gone);
    registry.remove(gone);
    await().until(() -> !r.boot().equals(firstBoot));
    assertThat(r.pending()).isLessThanOrEqualTo(3);

    int before = api.calls().size();
    api.eventsAnswer(200, "{\"close\":[]}");
    await().until(() -> api.calls().stream().skip(before).anyMatch(Call::accepted));
    List<Call> after = api.calls().stream().skip(before).toList();
    Call firstAccepted =
        after.stream().filter(c -> !c.heartbeat() && c.accepted()).findFirst().get();
    assertThat(firstAccepted.body().getString("boot")).isEqualTo(r.boot()).isNotEqualTo(firstBoot);
    assertThat(firstAccepted.events())
        .containsExactlyInAnyOrderElementsOf(
            live.stream().map(t -> "connect " + t.deviceId() + " " + t.connectionId()).toList());
    // The new boot was announced before its first events: the api-server drops the old boot's
    // rows, box-gone's among them.
    assertThat(api.heartbeats())
        .anySatisfy(h -> assertThat(h.body().getString("boot")).isEqualTo(r.boot()));
    assertThat(
            api.calls()
                .indexOf(
                    api.heartbeats().stream()
                        .filter(h -> h.body().getString("boot").equals(r.boot()))
                        .findFirst()
                        .get()))
        .isLessThan(api.calls().indexOf(firstAccepted));
  }

  @Test
  void aRefusedConnectionIsNamedInTheError() {
    api.close(); // nothing listens there any more: the JDK's ConnectException has no message
    PresenceClient client = new PresenceClient(ProxyFixture.presenceClient(api.uri()));
    assertThatThrownBy(() -> client.heartbeat(REPLICA, "b1", 0))
        .isInstanceOf(PresenceCallException.class)
        .hasMessageContaining("/internal/presence/heartbeat failed: java.net.ConnectException");
  }

  @Test
  void aDrainWithNothingPendingDoesNotWaitForAnUnreachableApiServer() {
    api.close();
    PresenceReporter r = reporter(fast()).start();
    long start = System.nanoTime();
    r.flushAndStop(Duration.ofSeconds(30));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void aDrainWithEventsPendingGivesUpAtItsBound() {
    api.eventsAnswer(503, StandInPresenceApi.unavailable());
    PresenceReporter r = reporter(fast()).start();
    r.connected(tunnel("box-1", "c-1"));
    long start = System.nanoTime();
    r.flushAndStop(Duration.ofMillis(500));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    assertThat(r.pending()).isEqualTo(1);
  }
}
