package io.visiona.demobox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DemoBoxSettingsTest {

  @Test
  void defaults() {
    DemoBoxSettings s = DemoBoxSettings.defaults();
    assertThat(s)
        .isEqualTo(
            new DemoBoxSettings(
                8090,
                URI.create("http://localhost:3721"),
                Path.of("demo-box-data"),
                "Demo box",
                64,
                10));
  }

  @Test
  void flagsWinOverEnvironment() {
    DemoBoxSettings s =
        DemoBoxSettings.parse(
            List.of("--port", "9000", "--name=Porch", "--fps", "5"),
            Map.of(
                "DEMO_BOX_PORT", "9100",
                "DEMO_BOX_API", "https://api.example.com",
                "DEMO_BOX_DATA_DIR", "/var/lib/demo",
                "DEMO_BOX_MAX_CONNECTIONS", "8"));
    assertThat(s.port()).isEqualTo(9000);
    assertThat(s.name()).isEqualTo("Porch");
    assertThat(s.fps()).isEqualTo(5);
    assertThat(s.apiBase()).isEqualTo(URI.create("https://api.example.com"));
    assertThat(s.dataDir()).isEqualTo(Path.of("/var/lib/demo"));
    assertThat(s.maxConnections()).isEqualTo(8);
  }

  @Test
  void badInputIsRefusedWithAReason() {
    assertThatThrownBy(() -> DemoBoxSettings.parse(List.of("--colour", "red"), Map.of()))
        .hasMessage("unknown option: --colour");
    assertThatThrownBy(() -> DemoBoxSettings.parse(List.of("--port"), Map.of()))
        .hasMessage("--port needs a value");
    assertThatThrownBy(() -> DemoBoxSettings.parse(List.of("--port", "http"), Map.of()))
        .hasMessage("port must be a number, not http");
    assertThatThrownBy(() -> DemoBoxSettings.parse(List.of("--port", "70000"), Map.of()))
        .hasMessage("port must be 0..65535");
    assertThatThrownBy(() -> DemoBoxSettings.parse(List.of(), Map.of("DEMO_BOX_API", "ftp://x")))
        .hasMessage("api must be an http:// or https:// URL");
    assertThatThrownBy(() -> DemoBoxSettings.parse(List.of("--fps", "0"), Map.of()))
        .hasMessage("fps must be 1..30");
    assertThatThrownBy(() -> DemoBoxSettings.parse(List.of("stray"), Map.of()))
        .hasMessage("unexpected argument: stray");
  }
}
