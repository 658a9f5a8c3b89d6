package io.visiona.demobox;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What the demo box is told at start: command-line flags first, then {@code DEMO_BOX_*} environment
 * variables, then the defaults.
 *
 * @param port the local API's port on 127.0.0.1 (0: any free port)
 * @param apiBase the api-server the box pairs with
 * @param dataDir where the credential is kept (owner-only)
 * @param name the box's name, shown to the person who pairs it
 * @param maxConnections local API connections served at once; beyond, 503
 * @param fps camera frames a second
 */
public record DemoBoxSettings(
    int port, URI apiBase, Path dataDir, String name, int maxConnections, int fps) {

  static final String USAGE =
      """
      usage: java -jar demo-box.jar [options]
        --port N             local API port on 127.0.0.1        (DEMO_BOX_PORT, default 8090)
        --api URL            api-server to pair with            (DEMO_BOX_API, default http://localhost:3721)
        --data-dir DIR       credential directory, owner-only   (DEMO_BOX_DATA_DIR, default ./demo-box-data)
        --name NAME          name shown when pairing            (DEMO_BOX_NAME, default "Demo box")
        --max-connections N  local connections at once          (DEMO_BOX_MAX_CONNECTIONS, default 64)
        --fps N              camera frames a second, 1..30      (DEMO_BOX_FPS, default 10)
        --help               this text
      """;

  private static final List<String> KEYS =
      List.of("port", "api", "data-dir", "name", "max-connections", "fps");

  public DemoBoxSettings {
    require(port >= 0 && port < 65536, "port must be 0..65535");
    String scheme = apiBase.getScheme();
    require(
        ("http".equals(scheme) || "https".equals(scheme)) && apiBase.getHost() != null,
        "api must be an http:// or https:// URL");
    require(!name.isBlank() && name.length() <= 100, "name must be 1..100 characters");
    require(maxConnections > 0 && maxConnections <= 10_000, "max-connections must be 1..10000");
    require(fps > 0 && fps <= 30, "fps must be 1..30");
  }

  /** The defaults, for embedding and tests. */
  public static DemoBoxSettings defaults() {
    return parse(List.of(), Map.of());
  }

  /**
   * @throws IllegalArgumentException with a message for the operator on an unknown flag or a bad
   *     value
   */
  public static DemoBoxSettings parse(List<String> args, Map<String, String> env) {
    Map<String, String> values = new java.util.HashMap<>();
    for (String key : KEYS) {
      String fromEnv = env.get("DEMO_BOX_" + key.toUpperCase().replace('-', '_'));
      if (fromEnv != null && !fromEnv.isBlank()) {
        values.put(key, fromEnv.strip());
      }
    }
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument: " + arg);
      }
      String key = arg.substring(2);
      String value;
      int eq = key.indexOf('=');
      if (eq >= 0) {
        value = key.substring(eq + 1);
        key = key.substring(0, eq);
      } else if (i + 1 < args.size()) {
        value = args.get(++i);
      } else {
        throw new IllegalArgumentException(arg + " needs a value");
      }
      if (!KEYS.contains(key)) {
        throw new IllegalArgumentException("unknown option: --" + key);
      }
      values.put(key, value);
    }
    return new DemoBoxSettings(
        number(values, "port", 8090),
        uri(values.getOrDefault("api", "http://localhost:3721")),
        Path.of(values.getOrDefault("data-dir", "demo-box-data")),
        values.getOrDefault("name", "Demo box"),
        number(values, "max-connections", 64),
        number(values, "fps", 10));
  }

  private static int number(Map<String, String> values, String key, int fallback) {
    String v = values.get(key);
    if (v == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a number, not " + v);
    }
  }

  private static URI uri(String v) {
    try {
      return URI.create(v);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("api is not a URL: " + v);
    }
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
