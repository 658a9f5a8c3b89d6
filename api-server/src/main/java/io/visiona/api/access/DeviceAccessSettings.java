package io.visiona.api.access;

import io.helidon.config.Config;
import java.time.Duration;

/**
 * {@code api.devices.access.*}: a person's access to the box's local web API through the relay
 * link.
 *
 * @param responseTimeout longest wait for the box's response head (then 504 {@code
 *     DEVICE_TIMEOUT}); also the longest a request body write may stall
 * @param idleTimeout a response body or WebSocket that moves no byte for this long is ended
 * @param maxResponseHead the most bytes the box's status line and headers may take
 * @param maxStreamsPerPerson relay streams one person may have open at once (429 beyond)
 * @param maxStreamsPerDevice relay streams one device may have open at once (429 beyond)
 * @param contentSecurityPolicy the {@code Content-Security-Policy} put on the box's responses
 */
public record DeviceAccessSettings(
    Duration responseTimeout,
    Duration idleTimeout,
    int maxResponseHead,
    int maxStreamsPerPerson,
    int maxStreamsPerDevice,
    ContentSecurityPolicies contentSecurityPolicy) {

  public DeviceAccessSettings {
    if (!responseTimeout.isPositive() || !idleTimeout.isPositive()) {
      throw new IllegalArgumentException("api.devices.access timeouts must be positive");
    }
    if (maxResponseHead < 1024 || maxStreamsPerPerson < 1 || maxStreamsPerDevice < 1) {
      throw new IllegalArgumentException(
          "api.devices.access: max-response-head must be >= 1024, stream limits >= 1");
    }
  }

  public static DeviceAccessSettings defaults() {
    return new DeviceAccessSettings(
        Duration.ofSeconds(30),
        Duration.ofMinutes(5),
        32 * 1024,
        32,
        64,
        ContentSecurityPolicies.defaults());
  }

  public static DeviceAccessSettings from(Config c) {
    DeviceAccessSettings d = defaults();
    return new DeviceAccessSettings(
        c.get("response-timeout").as(Duration.class).orElse(d.responseTimeout()),
        c.get("idle-timeout").as(Duration.class).orElse(d.idleTimeout()),
        c.get("max-response-head").asInt().orElse(d.maxResponseHead()),
        c.get("max-streams-per-person").asInt().orElse(d.maxStreamsPerPerson()),
        c.get("max-streams-per-device").asInt().orElse(d.maxStreamsPerDevice()),
        ContentSecurityPolicies.from(c.get("content-security-policy")));
  }

  public DeviceAccessSettings withResponseTimeout(Duration d) {
    return new DeviceAccessSettings(
        d,
        idleTimeout,
        maxResponseHead,
        maxStreamsPerPerson,
        maxStreamsPerDevice,
        contentSecurityPolicy);
  }

  public DeviceAccessSettings withStreamLimits(int perPerson, int perDevice) {
    return new DeviceAccessSettings(
        responseTimeout, idleTimeout, maxResponseHead, perPerson, perDevice, contentSecurityPolicy);
  }
}
