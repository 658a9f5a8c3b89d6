package io.visiona.server;

import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;
import java.util.function.Supplier;

/** A named readiness check whose {@code answer} is computed at every probe. */
public record ReadinessCheck(String name, Supplier<HealthCheckResponse> answer)
    implements HealthCheck {

  @Override
  public HealthCheckType type() {
    return HealthCheckType.READINESS;
  }

  @Override
  public HealthCheckResponse call() {
    return answer.get();
  }
}
