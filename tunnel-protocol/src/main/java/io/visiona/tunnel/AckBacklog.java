package io.visiona.tunnel;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Streams this side opened that still await the peer's ACK: at most {@link Config#ackBacklog()}
 * (hashicorp's open backlog); {@link Session#openStream} waits for a slot, at most {@link
 * Config#openTimeout()}.
 */
final class AckBacklog {

  private final Semaphore slots;
  private final Config config;

  AckBacklog(Config config) {
    this.config = config;
    this.slots = new Semaphore(config.ackBacklog());
  }

  /** Takes a slot, waiting at most the open timeout. */
  void acquire() throws IOException {
    try {
      if (!slots.tryAcquire(config.openTimeout().toNanos(), TimeUnit.NANOSECONDS)) {
        throw new SocketTimeoutException(
            config.ackBacklog() + " streams await the peer's ACK; open timed out");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted");
    }
  }

  /** The stream was acknowledged, or ended, or never opened. */
  void release() {
    slots.release();
  }
}
