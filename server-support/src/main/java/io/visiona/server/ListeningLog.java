package io.visiona.server;

import java.util.logging.Logger;

/**
 * One line per listener once it is bound: {@code listening: <name> <port>}. With port 0 the system
 * picks the port; this line is how operators and scripts (bin/smoke-images) learn it.
 */
public final class ListeningLog {

  private static final Logger LOG = Logger.getLogger(ListeningLog.class.getName());

  private ListeningLog() {}

  /** {@code name} is one word, e.g. {@code tunnel}, {@code http}, {@code internal}. */
  public static void bound(String name, int port) {
    LOG.info("listening: " + name + " " + port);
  }
}
