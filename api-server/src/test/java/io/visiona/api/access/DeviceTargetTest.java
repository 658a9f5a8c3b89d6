package io.visiona.api.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.visiona.server.errors.ApiError;
import io.visiona.server.errors.ErrorCode;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DeviceTargetTest {

  @Test
  void theBoxGetsTheRawRestOfThePathAndTheQuery() {
    DeviceTarget t =
        DeviceTarget.of("/api/devices/dev-1/agent/a%20b/c", Optional.of("x=1&y=%2F")).orElseThrow();
    assertThat(t.deviceId()).isEqualTo("dev-1");
    assertThat(t.prefix()).isEqualTo("/api/devices/dev-1/agent");
    assertThat(t.boxTarget()).isEqualTo("/a%20b/c?x=1&y=%2F");
  }

  @Test
  void theAgentRootIsTheBoxsRoot() {
    assertThat(DeviceTarget.of("/api/devices/d/agent", Optional.empty()).orElseThrow().boxTarget())
        .isEqualTo("/");
    assertThat(DeviceTarget.of("/api/devices/d/agent/", Optional.of("")).orElseThrow().boxTarget())
        .isEqualTo("/");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/api/devices/d/agent/..",
        "/api/devices/d/agent/a/../b",
        "/api/devices/d/agent/./b",
        "/api/devices/d/agent/%2e%2e/b",
        "/api/devices/d/agent/%2E./b",
        "/api/devices/d/agent/a/%2e"
      })
  void dotSegmentsAreRefusedNotResolved(String path) {
    assertThatThrownBy(() -> DeviceTarget.of(path, Optional.empty()))
        .isInstanceOfSatisfying(
            ApiError.class,
            e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_DEVICE_PATH));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/api/devices/d",
        "/api/devices/d/agents",
        "/api/devices/d/agentx/y",
        "/api/devices//agent/x",
        "/api/devices/a%2Fb/agent/x",
        "/api/devices/../agent/x",
        "/api/devices/d;x/agent/y",
        "/api/devicesX/d/agent/y"
      })
  void otherPathsAreNotDeviceAccess(String path) {
    assertThat(DeviceTarget.of(path, Optional.empty())).isEmpty();
  }

  @Test
  void theRoutedDeviceComesFromTheDecodedPath() {
    assertThat(DeviceTarget.routedDevice("/api/devices/d1/agent/x")).hasValue("d1");
    assertThat(DeviceTarget.routedDevice("/api/devices/d1/agent")).hasValue("d1");
    assertThat(DeviceTarget.routedDevice("/api/devices/d1/credentials")).isEmpty();
  }

  @Test
  void matchesTellsDeviceAccessPathsApart() {
    assertThat(DeviceTarget.matches("/api/devices/d/agent")).isTrue();
    assertThat(DeviceTarget.matches("/api/devices/d/agent/x/y")).isTrue();
    assertThat(DeviceTarget.matches("/api/devices/d")).isFalse();
    assertThat(DeviceTarget.matches("/api/devices/d/credentials")).isFalse();
  }
}
