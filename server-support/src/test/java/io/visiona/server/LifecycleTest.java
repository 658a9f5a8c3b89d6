package io.visiona.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.helidon.webserver.WebServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LifecycleTest {

  private final HttpClient http = HttpClient.newHttpClient();
  private final Lifecycle lifecycle = new Lifecycle();
  private WebServer server;

  @BeforeEach
  void start() {
    server =
        WebServer.builder()
            .port(0)
            .shutdownHook(false)
            .addFeature(
                Observability.feature(
                    List.of(WebServer.DEFAULT_SOCKET_NAME), List.of(lifecycle.readiness())))
            .build()
            .start();
  }

  @AfterEach
  void stop() {
    server.stop();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void healthAndMetricsAreServed() throws Exception {
    assertThat(get("/observe/health/live").statusCode()).isEqualTo(200);
    HttpResponse<String> ready = get("/observe/health/ready");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.body()).contains("\"status\":\"UP\"");
    HttpResponse<String> metrics = get("/observe/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body()).contains("# TYPE");
  }

  @Test
  void drainTakesReadinessDownThenWaitsForIdleThenStops() throws Exception {
    CountDownLatch drainBegan = new CountDownLatch(1);
    AtomicBoolean idle = new AtomicBoolean(false);
    Thread drain =
        Thread.ofVirtual()
            .start(
                () ->
                    lifecycle.drainAndStop(
                        server, Duration.ofSeconds(30), drainBegan::countDown, idle::get));

    assertThat(drainBegan.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    HttpResponse<String> ready = get("/observe/health/ready");
    assertThat(ready.statusCode()).isEqualTo(503);
    assertThat(ready.body()).contains("\"status\":\"DOWN\"");
    assertThat(server.isRunning()).isTrue();

    idle.set(true);
    await().atMost(Duration.ofSeconds(5)).until(() -> !server.isRunning());
    drain.join(Duration.ofSeconds(5));
    assertThat(lifecycle.draining()).isTrue();
  }

  @Test
  void drainStopsAtTheGracePeriodWhenNeverIdle() {
    long start = System.nanoTime();
    lifecycle.drainAndStop(server, Duration.ofMillis(300), () -> {}, () -> false);
    assertThat(server.isRunning()).isFalse();
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isBetween(Duration.ofMillis(300), Duration.ofSeconds(5));
  }

  @Test
  void endOfDrainActionRunsWhileTheServerStillRunsThenItStops() {
    AtomicBoolean runningAtEndOfDrain = new AtomicBoolean();
    lifecycle.drainAndStop(
        server,
        Duration.ofMillis(100),
        () -> {},
        () -> true,
        () -> runningAtEndOfDrain.set(server.isRunning()));
    assertThat(runningAtEndOfDrain).isTrue();
    assertThat(server.isRunning()).isFalse();
  }

  @Test
  void aFailingEndOfDrainActionStillStopsTheServer() {
    lifecycle.drainAndStop(
        server,
        Duration.ofMillis(100),
        () -> {},
        () -> true,
        () -> {
          throw new IllegalStateException("close failed");
        });
    assertThat(server.isRunning()).isFalse();
  }

  @Test
  void anInterruptedWaitStillRunsTheEndOfDrainActionUninterruptedThenStops() throws Exception {
    CountDownLatch waiting = new CountDownLatch(1);
    AtomicBoolean interruptedInEndDrain = new AtomicBoolean(true);
    AtomicBoolean interruptKept = new AtomicBoolean();
    Thread drain =
        Thread.ofVirtual()
            .start(
                () -> {
                  lifecycle.drainAndStop(
                      server,
                      Duration.ofSeconds(60),
                      waiting::countDown,
                      () -> false,
                      () -> interruptedInEndDrain.set(Thread.currentThread().isInterrupted()));
                  interruptKept.set(Thread.currentThread().isInterrupted());
                });
    assertThat(waiting.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    drain.interrupt();
    assertThat(drain.join(Duration.ofSeconds(10))).isTrue();
    assertThat(interruptedInEndDrain).isFalse();
    assertThat(interruptKept).isTrue();
    assertThat(server.isRunning()).isFalse();
  }
}
