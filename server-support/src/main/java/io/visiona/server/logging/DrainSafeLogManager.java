package io.visiona.server.logging;

import java.util.logging.LogManager;

/**
 * The JDK's log manager, except that its reset at JVM exit (which closes every handler) waits for
 * the drains registered with {@link ShutdownLogging#hold}. Other resets, such as the one in {@code
 * readConfiguration}, happen at once. Installed by {@link ShutdownLogging#install()}.
 */
public final class DrainSafeLogManager extends LogManager {

  /** Instantiated by {@code LogManager} through the {@code java.util.logging.manager} property. */
  public DrainSafeLogManager() {
    super();
  }

  @Override
  public void reset() {
    if (ShutdownLogging.jvmShuttingDown()) {
      ShutdownLogging.awaitReleased();
    }
    super.reset();
  }
}
