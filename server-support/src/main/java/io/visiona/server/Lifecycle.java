package io.visiona.server;

import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.webserver.WebServer;
import io.visiona.server.logging.ShutdownLogging;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;

/**
 * Readiness and the drain on SIGTERM.
 *
 * <p>Helidon 4.2's own shutdown interrupts in-flight work before its grace period, so the server is
 * built with {@code shutdownHook(false)} and this hook drains first: readiness goes down, the
 * server's drain action runs (for example GoAway to agents), then it waits until the server reports
 * itself idle or the grace period ends, runs the server's end-of-drain action (for example closing
 * WebSockets with a close frame, which needs the listeners still up) and only then stops the web
 * server.
 */
public final class Lifecycle {

  private static final Logger LOG = Logger.getLogger(Lifecycle.class.getName());
  private static final Duration IDLE_POLL = Duration.ofMillis(50);

  /** Beyond the grace period: the end-of-drain action and stopping the listeners. */
  static final Duration EXIT_MARGIN = Duration.ofSeconds(30);

  private final AtomicBoolean draining = new AtomicBoolean();

  public boolean draining() {
    return draining.get();
  }

  /** Readiness check: UP until the drain starts. */
  public HealthCheck readiness() {
    return new ReadinessCheck(
        "drain",
        () ->
            HealthCheckResponse.builder()
                .status(!draining.get())
                .detail("draining", draining.get())
                .build());
  }

  /**
   * Drains and stops {@code server}: marks it not ready, runs {@code beginDrain}, waits until
   * {@code idle} is true or {@code grace} has passed, then stops the server.
   */
  public void drainAndStop(
      WebServer server, Duration grace, Runnable beginDrain, BooleanSupplier idle) {
    drainAndStop(server, grace, beginDrain, idle, () -> {});
  }

  /**
   * As {@link #drainAndStop(WebServer, Duration, Runnable, BooleanSupplier)}, running {@code
   * endDrain} after the wait and before the server stops; it must bound its own duration. The
   * server stops even if it fails.
   */
  public void drainAndStop(
      WebServer server,
      Duration grace,
      Runnable beginDrain,
      BooleanSupplier idle,
      Runnable endDrain) {
    if (!draining.compareAndSet(false, true)) {
      return;
    }
    LOG.info("draining: readiness down, grace period " + grace);
    try {
      beginDrain.run();
      long deadline = System.nanoTime() + grace.toNanos();
      while (!idle.getAsBoolean() && System.nanoTime() < deadline) {
        Thread.sleep(IDLE_POLL);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.warning("drain action failed: " + e);
    } finally {
      // An interrupted wait must not cut the end-of-drain action or the stop short; the flag is
      // set again at the end.
      boolean interrupted = Thread.interrupted();
      try {
        endDrain.run();
      } catch (RuntimeException e) {
        LOG.warning("end-of-drain action failed: " + e);
      }
      server.stop();
      LOG.info("stopped");
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Runs {@link #drainAndStop} when the JVM is asked to exit (SIGTERM, SIGINT). */
  public void onShutdown(
      WebServer server, Duration grace, Runnable beginDrain, BooleanSupplier idle) {
    atExit(grace, () -> drainAndStop(server, grace, beginDrain, idle));
  }

  /**
   * Runs {@code drain} in a shutdown hook (SIGTERM, SIGINT). Logging stays up until it has
   * finished, for at most {@code grace} plus {@link #EXIT_MARGIN} (see {@link ShutdownLogging}), so
   * that the drain's log lines are never lost.
   */
  public static void atExit(Duration grace, Runnable drain) {
    ShutdownLogging.Hold hold = ShutdownLogging.hold(grace.plus(EXIT_MARGIN));
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    drain.run();
                  } finally {
                    hold.release();
                  }
                },
                "drain-on-shutdown"));
  }
}
