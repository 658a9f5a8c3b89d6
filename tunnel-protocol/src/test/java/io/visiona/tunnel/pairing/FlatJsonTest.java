package io.visiona.tunnel.pairing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FlatJsonTest {

  @Test
  void readsStringsNumbersBooleansAndNull() {
    Map<String, Object> m =
        FlatJson.parse(
            " {\"a\":\"x\\\"y\\\\z\\n\\u00e9\", \"n\":42, \"neg\":-1, \"t\":true, \"f\":false,"
                + " \"z\":null} ");
    assertThat(m)
        .containsEntry("a", "x\"y\\z\né")
        .containsEntry("n", 42L)
        .containsEntry("neg", -1L)
        .containsEntry("t", true)
        .containsEntry("f", false)
        .containsEntry("z", null);
  }

  @Test
  void writesWhatItReads() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", "Kitchen \"cam\"\t\\ 1");
    m.put("count", 7L);
    m.put("skipped", null);
    String json = FlatJson.write(m);
    assertThat(json).isEqualTo("{\"name\":\"Kitchen \\\"cam\\\"\\t\\\\ 1\",\"count\":7}");
    assertThat(FlatJson.parse(json)).containsEntry("name", "Kitchen \"cam\"\t\\ 1");
  }

  @Test
  void refusesWhatItDoesNotExpect() {
    for (String bad :
        new String[] {
          "",
          "[]",
          "{\"a\":{}}",
          "{\"a\":[1]}",
          "{\"a\":1",
          "{\"a\" 1}",
          "{\"a\":1} x",
          "{\"a\":\"\\q\"}"
        }) {
      assertThatThrownBy(() -> FlatJson.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> FlatJson.parse("{\"a\":\"" + "x".repeat(70_000) + "\"}"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
