package com.example.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The README's "embedding the Java edge agent" snippet is this example's code, tested here: the
 * code block after the README's marker comment must equal the region between the readme markers of
 * EdgeAgentExample.java (indentation of the region removed).
 */
class ReadmeSnippetTest {

  private static final Path README = Path.of("../../README.md");
  private static final Path SOURCE =
      Path.of("src/main/java/com/example/edge/EdgeAgentExample.java");
  private static final String README_MARKER = "<!-- code of examples/edge-agent-example";

  @Test
  void readmeShowsTheExamplesCode() throws IOException {
    List<String> source = Files.readAllLines(SOURCE);
    List<String> region =
        source.subList(source.indexOf("  // readme:begin") + 1, source.indexOf("  // readme:end"));
    List<String> expected =
        region.stream().map(line -> line.isEmpty() ? line : line.substring(2)).toList();

    List<String> readme = Files.readAllLines(README);
    int marker = indexOfLineStartingWith(readme, README_MARKER);
    int open = readme.subList(marker, readme.size()).indexOf("```java") + marker;
    assertTrue(open > marker && open <= marker + 2, "a java code block follows the marker comment");
    int end = readme.subList(open + 1, readme.size()).indexOf("```") + open + 1;
    List<String> shown = readme.subList(open + 1, end);

    assertEquals(
        String.join("\n", expected),
        String.join("\n", shown),
        "README.md's snippet must be the example's code between the readme markers");
  }

  private static int indexOfLineStartingWith(List<String> lines, String prefix) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith(prefix)) {
        return i;
      }
    }
    return fail("README.md has no line starting with " + prefix);
  }
}
