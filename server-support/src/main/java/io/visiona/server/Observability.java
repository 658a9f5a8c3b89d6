package io.visiona.server;

import io.helidon.health.HealthCheck;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.health.HealthObserver;
import io.helidon.webserver.observe.health.HealthObserverConfig;
import io.helidon.webserver.observe.metrics.MetricsObserver;
import java.util.List;

/**
 * Health ({@code /observe/health}, {@code /live}, {@code /ready}) and Prometheus metrics ({@code
 * /observe/metrics}) on the given listeners.
 */
public final class Observability {

  private Observability() {}

  public static ObserveFeature feature(List<String> sockets, List<HealthCheck> checks) {
    HealthObserverConfig.Builder health = HealthObserver.builder().details(true);
    checks.forEach(health::addCheck);
    return ObserveFeature.builder()
        .addObserver(health.build())
        .addObserver(MetricsObserver.create())
        .sockets(sockets)
        .build();
  }
}
