package io.visiona.server.listener;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The process's open-file limit, as Linux reports it in {@code /proc/self/limits}.
 *
 * <p>Nothing here raises the limit: on Linux, HotSpot already raises the soft limit to the hard
 * limit at start ({@code -XX:+MaxFDLimit}, on by default). {@link #logAtStart} reports the
 * effective limit and warns when the listeners' connection limits do not fit under it, since a
 * listener whose {@code accept()} fails with "too many open files" stops for good.
 *
 * @param soft the limit in force ({@code Long.MAX_VALUE} for unlimited)
 * @param hard the most the soft limit may be raised to
 */
public record OpenFileLimit(long soft, long hard) {

  private static final Logger LOG = Logger.getLogger(OpenFileLimit.class.getName());
  private static final Path LIMITS = Path.of("/proc/self/limits");

  /**
   * File descriptors a server needs besides its listeners' connections: the JVM's own files and
   * jars, the listening sockets, outgoing connections, a database pool.
   */
  static final long RESERVE = 256;

  /** This process's limit, or empty where {@code /proc/self/limits} does not exist. */
  public static Optional<OpenFileLimit> current() {
    try {
      return parse(Files.readAllLines(LIMITS));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  static Optional<OpenFileLimit> parse(List<String> limits) {
    for (String line : limits) {
      if (line.startsWith("Max open files")) {
        String[] f = line.substring("Max open files".length()).trim().split("\\s+");
        return Optional.of(new OpenFileLimit(value(f[0]), value(f[1])));
      }
    }
    return Optional.empty();
  }

  private static long value(String s) {
    return s.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(s);
  }

  /** True when {@code connections} plus {@link #RESERVE} descriptors fit under the soft limit. */
  public boolean fits(long connections) {
    return connections + RESERVE <= soft;
  }

  /**
   * Logs the effective limit and warns when the sum of the listeners' {@code max-tcp-connections}
   * does not fit under it.
   */
  public static void logAtStart(List<ListenerSettings> listeners) {
    long connections = listeners.stream().mapToLong(ListenerSettings::maxTcpConnections).sum();
    Optional<OpenFileLimit> limit = current();
    if (limit.isEmpty()) {
      LOG.info("open-file limit unknown (no /proc/self/limits)");
      return;
    }
    OpenFileLimit l = limit.get();
    LOG.info("open-file limit " + l.soft() + " (hard " + l.hard() + ")");
    if (!l.fits(connections)) {
      LOG.warning(
          "the listeners' max-tcp-connections add up to "
              + connections
              + ", which with "
              + RESERVE
              + " descriptors for everything else exceeds the open-file limit "
              + l.soft()
              + ": raise the limit (ulimit -n, LimitNOFILE=) or lower max-tcp-connections");
    }
  }
}
