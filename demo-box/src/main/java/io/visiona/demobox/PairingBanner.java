package io.visiona.demobox;

import io.visiona.tunnel.pairing.PairingClient;
import java.io.PrintStream;
import java.util.List;

/** Prints the pairing code and where to enter it, framed so it stands out in a terminal. */
final class PairingBanner {

  private PairingBanner() {}

  static void print(PrintStream out, PairingClient.UserCodePrompt prompt) {
    List<String> lines =
        List.of(
            "Pair this demo box with your Visiona account",
            "",
            "  Code:  " + prompt.userCode(),
            "  Open:  " + prompt.verificationUri(),
            "  (or:   " + prompt.verificationUriComplete() + ")",
            "",
            "The code expires in " + Math.max(1, prompt.expiresIn().toMinutes()) + " minutes.",
            "Waiting for approval...");
    int width = lines.stream().mapToInt(String::length).max().orElse(0);
    String rule = "+" + "-".repeat(width + 4) + "+";
    StringBuilder b = new StringBuilder("\n").append(rule).append('\n');
    for (String line : lines) {
      b.append("|  ").append(line).append(" ".repeat(width - line.length())).append("  |\n");
    }
    b.append(rule).append('\n');
    out.print(b);
    out.flush();
  }
}
