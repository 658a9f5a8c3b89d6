package io.visiona.server;

import io.helidon.health.HealthCheck;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.health.HealthObserver;
import io.helidon.webserver.observe.health.HealthObserverConfig;
import io.helidon.webserver.observe.metrics.MetricsObserver;
import io.helidon.webserver.observe.spi.Observer;
import io.helidon.webserver.spi.ServerFeature;
import java.util.List;

/**
 * Health ({@code /observe/health}, {@code /live}, {@code /ready}) and Prometheus metrics ({@code
 * /observe/metrics}) on chosen listeners. Public listeners should serve health only: use {@link
 * #features(List, List, List)} to keep metrics on the private ones.
 */
public final class Observability {

  private Observability() {}

  /** Health and metrics, both on {@code sockets}. */
  public static ObserveFeature feature(List<String> sockets, List<HealthCheck> checks) {
    return observe("observe", sockets, health(checks), MetricsObserver.create());
  }

  /**
   * Health on {@code healthSockets}, metrics on {@code metricsSockets}. Helidon applies a feature's
   * socket list to all of its observers, hence one feature per observer, each with its own name.
   * The health one keeps Helidon's name {@code observe}: it then replaces the observe feature that
   * Helidon would otherwise discover on its own, with every observer on the default listener.
   */
  public static List<ServerFeature> features(
      List<String> healthSockets, List<String> metricsSockets, List<HealthCheck> checks) {
    return List.of(
        observe("observe", healthSockets, health(checks)),
        observe("observe-metrics", metricsSockets, MetricsObserver.create()));
  }

  private static Observer health(List<HealthCheck> checks) {
    HealthObserverConfig.Builder health = HealthObserver.builder().details(true);
    checks.forEach(health::addCheck);
    return health.build();
  }

  private static ObserveFeature observe(String name, List<String> sockets, Observer... observers) {
    if (sockets.isEmpty()) {
      // Helidon reads an empty list as "the default socket": refuse rather than expose by mistake.
      throw new IllegalArgumentException(name + ": name at least one socket");
    }
    return ObserveFeature.builder()
        .name(name)
        .observersDiscoverServices(false)
        .observers(List.of(observers))
        .sockets(sockets)
        .build();
  }
}
