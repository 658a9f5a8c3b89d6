package io.visiona.server.logging;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Keeps {@code java.util.logging} working until the drain at exit has logged its last line.
 *
 * <p>The JDK's {@code LogManager} closes every handler in a shutdown hook of its own. Shutdown
 * hooks run side by side in no fixed order, so without help about half of the drain's lines
 * ("draining: readiness down", "stopped") were lost. {@link #install()} makes {@link
 * DrainSafeLogManager} the log manager; a drain hook registered with {@link #hold(Duration)} makes
 * its reset at exit wait until the hook has {@linkplain Hold#release() released} (or its bound has
 * passed). The JVM waits for every hook anyway, so exit takes no longer.
 *
 * <p>This class must not touch {@code java.util.logging} before {@link #install()} has run.
 */
public final class ShutdownLogging {

  private static final String MANAGER_PROPERTY = "java.util.logging.manager";
  private static final ReentrantLock LOCK = new ReentrantLock();
  private static final Condition RELEASED = LOCK.newCondition();
  private static int holds; // guarded by LOCK
  private static long longestBoundNanos; // guarded by LOCK

  private ShutdownLogging() {}

  /**
   * Makes {@link DrainSafeLogManager} the log manager unless one was chosen on the command line.
   * Must run before anything uses {@code java.util.logging} or {@code System.Logger}: first thing
   * in a server's main class, before its static {@code Logger} fields.
   */
  public static void install() {
    if (System.getProperty(MANAGER_PROPERTY) == null) {
      // The class literal does not initialise LogManager; calling into it would.
      System.setProperty(MANAGER_PROPERTY, DrainSafeLogManager.class.getName());
    }
  }

  /**
   * Logs a warning when {@link #install()} came too late or another log manager was chosen: then
   * the drain's lines at exit may be lost.
   */
  public static void warnIfInactive() {
    java.util.logging.LogManager manager = java.util.logging.LogManager.getLogManager();
    if (!(manager instanceof DrainSafeLogManager)) {
      java.util.logging.Logger.getLogger(ShutdownLogging.class.getName())
          .warning(
              "log manager is "
                  + manager.getClass().getName()
                  + ", not "
                  + DrainSafeLogManager.class.getName()
                  + ": log lines of the drain at exit may be lost");
    }
  }

  /** A drain in progress or to come; logging stays up until it is released. */
  public interface Hold {
    /** Idempotent. */
    void release();
  }

  /**
   * Registers a drain that will run at exit; logging is not torn down before it releases the hold
   * or {@code bound} has passed since the teardown began. Register when the shutdown hook is
   * registered, since the teardown may start before the hook does.
   */
  public static Hold hold(Duration bound) {
    LOCK.lock();
    try {
      holds++;
      longestBoundNanos = Math.max(longestBoundNanos, bound.toNanos());
    } finally {
      LOCK.unlock();
    }
    return new Hold() {
      private boolean released; // guarded by LOCK

      @Override
      public void release() {
        LOCK.lock();
        try {
          if (!released) {
            released = true;
            holds--;
            RELEASED.signalAll();
          }
        } finally {
          LOCK.unlock();
        }
      }
    };
  }

  /** Waits until every hold is released or the longest bound has passed. */
  static void awaitReleased() {
    LOCK.lock();
    try {
      long left = longestBoundNanos;
      while (holds > 0 && left > 0) {
        left = RELEASED.awaitNanos(left);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      LOCK.unlock();
    }
  }

  /** Whether the JVM has started running its shutdown hooks. */
  static boolean jvmShuttingDown() {
    Thread probe = new Thread(() -> {});
    try {
      // Documented to fail once the JVM is shutting down.
      Runtime.getRuntime().addShutdownHook(probe);
      Runtime.getRuntime().removeShutdownHook(probe);
      return false;
    } catch (IllegalStateException e) {
      return true;
    }
  }
}
