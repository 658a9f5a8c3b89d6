package io.visiona.server.listener;

import io.visiona.server.logging.LogThrottle;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Filter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Turns Helidon's per-connection warnings into at most one line per {@link #INTERVAL}.
 *
 * <p>A client that sends part of a request head and goes away makes Helidon 4.2 log {@code WARNING
 * Internal server error} with a 20-line stack trace ({@code Http1Connection}); thousands of such
 * connections flood the log. Warnings of these loggers say something about one connection, not
 * about the server, so the first in each interval is logged as one line (exception types and
 * messages, no stack trace) with the number held back since the last one; the rest are dropped.
 */
public final class ConnectionErrorLog implements Filter {

  static final Duration INTERVAL = Duration.ofSeconds(10);

  /** Helidon's loggers that warn about single connections. */
  static final List<String> LOGGERS =
      List.of(
          "io.helidon.webserver.http1.Http1Connection", "io.helidon.webserver.ConnectionHandler");

  /** Held so that the loggers, and the filter set on them, are not collected. */
  private static final List<Logger> INSTALLED = LOGGERS.stream().map(Logger::getLogger).toList();

  private final LogThrottle throttle;
  private final AtomicLong warnings = new AtomicLong();

  ConnectionErrorLog(LogThrottle throttle) {
    this.throttle = throttle;
  }

  /** Warnings seen, logged or not. */
  long warnings() {
    return warnings.get();
  }

  /** Installs the filter on Helidon's connection loggers; call once at start, after logging. */
  public static ConnectionErrorLog install() {
    ConnectionErrorLog filter = new ConnectionErrorLog(new LogThrottle(1, INTERVAL));
    INSTALLED.forEach(l -> l.setFilter(filter));
    return filter;
  }

  @Override
  public boolean isLoggable(LogRecord record) {
    if (record.getLevel().intValue() < Level.WARNING.intValue()) {
      return true;
    }
    warnings.incrementAndGet();
    OptionalLong heldBack = throttle.admit();
    if (heldBack.isEmpty()) {
      return false;
    }
    record.setMessage(oneLine(record) + LogThrottle.heldBack(heldBack.getAsLong()));
    record.setParameters(null);
    record.setThrown(null);
    return true;
  }

  private static String oneLine(LogRecord record) {
    StringBuilder line = new StringBuilder(String.valueOf(record.getMessage()));
    int depth = 0;
    for (Throwable t = record.getThrown(); t != null && depth < 5; t = t.getCause(), depth++) {
      line.append(t == record.getThrown() ? ": " : " <- ").append(t.getClass().getSimpleName());
      if (t.getMessage() != null) {
        line.append(" (").append(t.getMessage().replaceAll("\\s+", " ")).append(')');
      }
    }
    return line.toString();
  }
}
