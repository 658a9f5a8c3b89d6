package io.visiona.proxy.forward;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes that all forwards in flight may hold at once (request JSON, response body). A forward
 * leases what it needs before it holds it; when the budget cannot cover it, the forward is refused
 * with 503 {@code FORWARD_BUSY} instead of the process running out of heap.
 */
public final class ForwardBudget {

  private final long maxBytes;
  private final AtomicLong used = new AtomicLong();

  public ForwardBudget(long maxBytes) {
    if (maxBytes < 1) {
      throw new IllegalArgumentException("forward memory budget must be positive");
    }
    this.maxBytes = maxBytes;
  }

  /** A lease of {@code bytes}, or null when the budget cannot cover them now. */
  public Lease tryLease(long bytes) {
    Lease lease = new Lease();
    return lease.tryGrow(bytes) ? lease : null;
  }

  public long maxBytes() {
    return maxBytes;
  }

  public long used() {
    return used.get();
  }

  private boolean take(long bytes) {
    while (true) {
      long now = used.get();
      if (now + bytes > maxBytes) {
        return false;
      }
      if (used.compareAndSet(now, now + bytes)) {
        return true;
      }
    }
  }

  /** What one forward holds; closing gives it all back. Used by one thread at a time. */
  public final class Lease implements AutoCloseable {

    private long held;

    private Lease() {}

    /** Adds {@code bytes} to the lease; false (and nothing added) if the budget is used up. */
    public boolean tryGrow(long bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("negative lease");
      }
      if (bytes == 0) {
        return true;
      }
      if (!take(bytes)) {
        return false;
      }
      held += bytes;
      return true;
    }

    /** Gives back {@code bytes} that are no longer held (at most what the lease holds). */
    public void shrink(long bytes) {
      long back = Math.min(Math.max(bytes, 0), held);
      held -= back;
      used.addAndGet(-back);
    }

    public long held() {
      return held;
    }

    @Override
    public void close() {
      shrink(held);
    }
  }
}
