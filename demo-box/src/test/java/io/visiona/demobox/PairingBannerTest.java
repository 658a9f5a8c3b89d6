package io.visiona.demobox;

import static org.assertj.core.api.Assertions.assertThat;

import io.visiona.tunnel.pairing.PairingClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PairingBannerTest {

  @Test
  void framesTheCodeAndWhereToEnterIt() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PairingBanner.print(
        new PrintStream(bytes, true, StandardCharsets.UTF_8),
        new PairingClient.UserCodePrompt(
            "ABCD-EFGH",
            URI.create("https://api.example.com/pair"),
            URI.create("https://api.example.com/pair?code=ABCD-EFGH"),
            Duration.ofMinutes(10)));
    List<String> lines = bytes.toString(StandardCharsets.UTF_8).strip().lines().toList();
    assertThat(lines.getFirst()).matches("\\+-+\\+");
    assertThat(lines.getLast()).isEqualTo(lines.getFirst());
    assertThat(lines).allMatch(l -> l.length() == lines.getFirst().length());
    assertThat(lines)
        .anyMatch(l -> l.contains("Code:  ABCD-EFGH"))
        .anyMatch(l -> l.contains("Open:  https://api.example.com/pair "))
        .anyMatch(l -> l.contains("expires in 10 minutes"));
  }
}
