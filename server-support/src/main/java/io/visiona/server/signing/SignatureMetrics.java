package io.visiona.server.signing;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.Tag;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Counts refused signed requests in Helidon's global meter registry as {@code
 * visiona.signature.rejected} with tags {@code direction} and {@code reason} (Prometheus: {@code
 * visiona_signature_rejected_total}).
 */
public final class SignatureMetrics {

  public static final String NAME = "visiona.signature.rejected";

  private SignatureMetrics() {}

  /** A hook for {@link SignatureFilter} and {@link SignedUpgrade} of one direction. */
  public static Consumer<RejectReason> counter(Direction direction) {
    // One counter per reason, created up front so dashboards see zeros rather than gaps.
    Map<RejectReason, Counter> counters = new EnumMap<>(RejectReason.class);
    for (RejectReason reason : RejectReason.values()) {
      counters.put(
          reason,
          Metrics.globalRegistry()
              .getOrCreate(
                  Counter.builder(NAME)
                      .description("Signed internal requests refused, by reason")
                      .tags(
                          List.of(
                              Tag.create("direction", direction.configKey()),
                              Tag.create("reason", reason.name())))));
    }
    return reason -> counters.get(reason).increment();
  }
}
