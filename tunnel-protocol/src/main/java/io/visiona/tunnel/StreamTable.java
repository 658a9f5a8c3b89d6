package io.visiona.tunnel;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * A session's live streams by id, the ids it opens, and its memory budget: the sum of all streams'
 * receive windows, i.e. the most a peer can make the session buffer.
 */
final class StreamTable {

  private final Map<Integer, Stream> streams = new ConcurrentHashMap<>();
  private final AtomicLong committed = new AtomicLong();
  private final AtomicInteger nextId;
  private final long budget;
  private final int maxStreams;

  StreamTable(boolean client, Config config) {
    this.nextId = new AtomicInteger(client ? 1 : 2);
    this.budget = config.sessionMemoryBudget();
    this.maxStreams = config.maxStreams();
  }

  Stream get(int id) {
    return streams.get(id);
  }

  boolean contains(int id) {
    return streams.containsKey(id);
  }

  int size() {
    return streams.size();
  }

  /** True once {@link Config#maxStreams()} streams are live. */
  boolean full() {
    return streams.size() >= maxStreams;
  }

  /**
   * Opens a stream of this side: within {@link Config#maxStreams()} and the memory budget, with the
   * next free id of this side's parity.
   */
  Stream open(IntFunction<Stream> newStream, Config config) throws StreamLimitException {
    if (full()) {
      throw new StreamLimitException(
          StreamLimitException.Limit.MAX_STREAMS, "too many streams: " + maxStreams);
    }
    if (!reserve(config.initialWindow())) {
      throw new StreamLimitException(
          StreamLimitException.Limit.MEMORY_BUDGET, "session memory budget exhausted");
    }
    int id = nextId.getAndAdd(2);
    if (id < 0 || Integer.compareUnsigned(id, 0xFFFF_FFFE) >= 0) {
      unreserve(config.initialWindow());
      throw new StreamLimitException(StreamLimitException.Limit.STREAM_IDS, "stream ids exhausted");
    }
    Stream stream = newStream.apply(id);
    add(stream);
    return stream;
  }

  void add(Stream stream) {
    streams.put(stream.id(), stream);
  }

  /** Forgets {@code stream} and takes back its {@code window} (once, however often called). */
  void remove(Stream stream, int window) {
    if (streams.remove(stream.id(), stream)) {
      unreserve(window);
    }
  }

  /** Takes {@code bytes} of the memory budget; false (and nothing taken) if it would overflow. */
  boolean reserve(long bytes) {
    while (true) {
      long now = committed.get();
      if (now + bytes > budget) {
        return false;
      }
      if (committed.compareAndSet(now, now + bytes)) {
        return true;
      }
    }
  }

  void unreserve(long bytes) {
    committed.addAndGet(-bytes);
  }

  /** Receive windows committed right now. */
  long committed() {
    return committed.get();
  }

  List<Stream> snapshot() {
    return new ArrayList<>(streams.values());
  }

  /**
   * Checks every stream's window invariant and that the budget committed is the sum of their
   * windows; only meaningful while no stream is being opened or released (tests).
   *
   * @throws AssertionError if not
   */
  void checkInvariants() {
    long sum = 0;
    for (Stream s : streams.values()) {
      sum += s.checkWindowInvariant();
    }
    if (sum != committed.get()) {
      throw new AssertionError(
          "memory budget: " + committed.get() + " committed, streams' windows sum to " + sum);
    }
  }
}
