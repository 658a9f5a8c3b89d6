package io.visiona.api.access;

import io.visiona.server.errors.ApiError;
import io.visiona.server.errors.ErrorCode;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Relay streams open per person and per device, each under its limit. An entry exists only while
 * its count is above zero, so the maps hold at most one entry per open stream.
 */
final class StreamQuota {

  private final int perPerson;
  private final int perDevice;
  private final ConcurrentHashMap<Long, Integer> persons = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Integer> devices = new ConcurrentHashMap<>();

  StreamQuota(int perPerson, int perDevice) {
    this.perPerson = perPerson;
    this.perDevice = perDevice;
  }

  /** A permit to hold while the stream is open; released once by {@link Permit#close()}. */
  final class Permit implements AutoCloseable {
    private final long person;
    private final String device;
    private boolean released;

    private Permit(long person, String device) {
      this.person = person;
      this.device = device;
    }

    @Override
    public synchronized void close() {
      if (!released) {
        released = true;
        decrement(persons, person);
        decrement(devices, device);
      }
    }
  }

  /**
   * Takes one stream for {@code person} on {@code device}.
   *
   * @throws ApiError 429 {@code TOO_MANY_STREAMS} when either is at its limit
   */
  Permit acquire(long person, String device) {
    if (!increment(persons, person, perPerson)) {
      throw new ApiError(
          ErrorCode.TOO_MANY_STREAMS, "you have " + perPerson + " device streams open already");
    }
    if (!increment(devices, device, perDevice)) {
      decrement(persons, person);
      throw new ApiError(
          ErrorCode.TOO_MANY_STREAMS, "the device has " + perDevice + " streams open already");
    }
    return new Permit(person, device);
  }

  int open(long person) {
    return persons.getOrDefault(person, 0);
  }

  /** Map entries held (persons and devices with a stream open). */
  int entries() {
    return persons.size() + devices.size();
  }

  private static <K> boolean increment(ConcurrentHashMap<K, Integer> map, K key, int limit) {
    boolean[] taken = {false};
    map.compute(
        key,
        (k, n) -> {
          int now = n == null ? 0 : n;
          if (now >= limit) {
            return n;
          }
          taken[0] = true;
          return now + 1;
        });
    return taken[0];
  }

  private static <K> void decrement(ConcurrentHashMap<K, Integer> map, K key) {
    map.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
  }
}
