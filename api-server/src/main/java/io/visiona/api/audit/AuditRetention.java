package io.visiona.api.audit;

import io.visiona.api.persistence.AuditLog;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Deletes audit entries older than the retention, at start and then every hour. */
public final class AuditRetention implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(AuditRetention.class.getName());

  private final ScheduledExecutorService timer;

  private AuditRetention(ScheduledExecutorService timer) {
    this.timer = timer;
  }

  public static AuditRetention start(AuditLog audit, Duration retention, Clock clock) {
    if (retention.isNegative() || retention.isZero()) {
      throw new IllegalArgumentException("api.audit.retention must be positive");
    }
    ScheduledThreadPoolExecutor timer =
        new ScheduledThreadPoolExecutor(
            1, Thread.ofPlatform().name("audit-retention").daemon().factory());
    timer.scheduleWithFixedDelay(
        () -> {
          try {
            int n = audit.pruneOlderThan(clock.millis() - retention.toMillis());
            if (n > 0) {
              LOG.info("audit log: " + n + " entries older than " + retention + " deleted");
            }
          } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "audit log pruning failed", e);
          }
        },
        0,
        1,
        TimeUnit.HOURS);
    return new AuditRetention(timer);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
