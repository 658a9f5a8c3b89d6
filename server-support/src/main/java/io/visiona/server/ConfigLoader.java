package io.visiona.server;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Loads a server's YAML file and lets the environment override any key it contains.
 *
 * <p>The environment name of a key is {@code VISIONA_} followed by the key in upper case, with dots
 * and dashes turned into underscores: {@code proxy.internal.port} is {@code
 * VISIONA_PROXY_INTERNAL_PORT}. Only keys present in the file can be overridden, so every setting
 * is documented there and a misspelt variable is reported instead of silently ignored.
 */
public final class ConfigLoader {

  private static final Logger LOG = Logger.getLogger(ConfigLoader.class.getName());
  static final String ENV_PREFIX = "VISIONA_";

  private ConfigLoader() {}

  /**
   * The configuration file: {@code --config <path>} on the command line, else {@code
   * VISIONA_CONFIG}, else {@code etc/<name>.yaml} under the working directory.
   */
  public static Path configFile(String name, String[] args, Map<String, String> env) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals("--config")) {
        return Path.of(args[i + 1]);
      }
    }
    String fromEnv = env.get(ENV_PREFIX + "CONFIG");
    return fromEnv != null && !fromEnv.isBlank()
        ? Path.of(fromEnv)
        : Path.of("etc", name + ".yaml");
  }

  public static Config load(Path file, Map<String, String> env) {
    if (!Files.isReadable(file)) {
      throw new IllegalArgumentException(
          "configuration file not readable: " + file.toAbsolutePath());
    }
    Config fromFile = Config.just(ConfigSources.file(file));
    Map<String, String> overrides = overrides(fromFile, env);
    return Config.just(ConfigSources.create(overrides), ConfigSources.file(file));
  }

  static Map<String, String> overrides(Config fromFile, Map<String, String> env) {
    Map<String, String> byEnvName = new HashMap<>();
    fromFile
        .traverse()
        .filter(Config::isLeaf)
        .forEach(c -> byEnvName.put(envName(c.key().toString()), c.key().toString()));
    Map<String, String> overrides = new HashMap<>();
    env.forEach(
        (name, value) -> {
          if (!name.startsWith(ENV_PREFIX) || name.equals(ENV_PREFIX + "CONFIG")) {
            return;
          }
          String key = byEnvName.get(name);
          if (key == null) {
            LOG.warning(name + " names no setting in the configuration file; ignored");
          } else {
            overrides.put(key, value);
          }
        });
    return overrides;
  }

  public static String envName(String key) {
    return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }
}
