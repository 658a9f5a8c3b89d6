package io.visiona.tunnel;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * A session's pings: round trips on request, the keepalive that ends a silent session, and the
 * smoothed round-trip time that window auto-tuning works with.
 */
final class Pinger {

  private static final int MAX_OUTSTANDING = 64;

  private final FrameWriter writer;
  private final Config config;
  private final Map<Integer, CompletableFuture<Long>> outstanding = new ConcurrentHashMap<>();
  private final AtomicInteger nextOpaque = new AtomicInteger();
  private volatile long rttNanos;

  Pinger(FrameWriter writer, Config config) {
    this.writer = writer;
    this.config = config;
  }

  /** Round trip of a Ping, bounded by the keepalive timeout (or 10 s if that is zero). */
  Duration ping() throws IOException {
    if (outstanding.size() >= MAX_OUTSTANDING) {
      throw new IOException("too many pings outstanding");
    }
    Duration limit =
        config.keepAliveTimeout().isZero() ? Duration.ofSeconds(10) : config.keepAliveTimeout();
    try {
      return Duration.ofNanos(roundTrip(limit.toNanos()));
    } catch (TimeoutException e) {
      throw new SocketTimeoutException("ping timed out");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted");
    } catch (ExecutionException e) {
      throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
    }
  }

  /** Sends a ping and waits at most {@code timeoutNanos} for the reply; records the round trip. */
  private long roundTrip(long timeoutNanos)
      throws IOException, TimeoutException, InterruptedException, ExecutionException {
    int opaque = nextOpaque.incrementAndGet();
    CompletableFuture<Long> reply = new CompletableFuture<>();
    outstanding.put(opaque, reply);
    long start = System.nanoTime();
    try {
      writer.ping(opaque);
      long rtt = reply.get(timeoutNanos, TimeUnit.NANOSECONDS) - start;
      long previous = rttNanos;
      rttNanos = previous == 0 ? rtt : (previous * 7 + rtt) / 8;
      return rtt;
    } finally {
      outstanding.remove(opaque);
    }
  }

  /** The peer answered the ping carrying {@code opaque}. */
  void pongReceived(int opaque) {
    CompletableFuture<Long> reply = outstanding.get(opaque);
    if (reply != null) {
      reply.complete(System.nanoTime());
    }
  }

  /** Smoothed round-trip time; 0 until a ping was answered. */
  long rttNanos() {
    return rttNanos;
  }

  /** The session ended: fails every ping waiting for its reply. */
  void failAll(IOException cause) {
    outstanding.values().forEach(p -> p.completeExceptionally(cause));
  }

  /**
   * Pings every keepalive interval until {@code closed}. A ping unanswered within the timeout ends
   * the session ({@code end}) unless some other frame arrived meanwhile ({@code lastFrameNanos}):
   * any inbound frame is a sign of life.
   */
  void keepAlive(CountDownLatch closed, LongSupplier lastFrameNanos, Consumer<IOException> end) {
    long interval = config.keepAliveInterval().toNanos();
    long timeout = config.keepAliveTimeout().toNanos();
    try {
      while (!closed.await(interval, TimeUnit.NANOSECONDS)) {
        long sentAt = System.nanoTime();
        try {
          roundTrip(timeout);
        } catch (TimeoutException e) {
          if (lastFrameNanos.getAsLong() - sentAt < 0) {
            end.accept(new SessionClosedException("keepalive timeout", null));
            return;
          }
        } catch (ExecutionException e) {
          return; // the session closed and failed its pings
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      end.accept(e); // the transport failed: nothing more can be flushed
    }
  }
}
