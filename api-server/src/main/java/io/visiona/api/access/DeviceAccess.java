package io.visiona.api.access;

import io.visiona.api.device.DeviceRepository;
import io.visiona.api.relay.RelayException;
import io.visiona.api.relay.RelayLinks;
import io.visiona.server.errors.ApiError;
import io.visiona.server.errors.ErrorCode;
import io.visiona.tunnel.Stream;

/**
 * Opens relay streams to a person's own devices: the owner check (another person's device is {@code
 * 404}, as if it did not exist), the stream limits, and the relay link's refusals as the API's
 * error codes.
 */
public final class DeviceAccess {

  private final DeviceRepository devices;
  private final RelayLinks relay;
  private final DeviceAccessSettings settings;
  private final StreamQuota quota;

  public DeviceAccess(DeviceRepository devices, RelayLinks relay, DeviceAccessSettings settings) {
    this.devices = devices;
    this.relay = relay;
    this.settings = settings;
    this.quota = new StreamQuota(settings.maxStreamsPerPerson(), settings.maxStreamsPerDevice());
  }

  public DeviceAccessSettings settings() {
    return settings;
  }

  /** A relay stream to a device, holding a place in the stream limits until closed. */
  public static final class Opened implements AutoCloseable {
    private final Stream stream;
    private final StreamQuota.Permit permit;

    private Opened(Stream stream, StreamQuota.Permit permit) {
      this.stream = stream;
      this.permit = permit;
    }

    public Stream stream() {
      return stream;
    }

    /** Ends the stream at once (RST): the box's connection is closed, whatever was in flight. */
    public void abort() {
      stream.reset();
      permit.close();
    }

    /** Ends the stream normally; a no-op after {@link #abort()}. */
    @Override
    public void close() {
      stream.close();
      permit.close();
    }
  }

  /**
   * A relay stream to {@code deviceId}, which {@code person} must own.
   *
   * @throws ApiError {@code DEVICE_NOT_FOUND}, {@code TOO_MANY_STREAMS}, {@code RELAY_UNAVAILABLE},
   *     {@code DEVICE_OFFLINE} or {@code RELAY_REFUSED}
   */
  public Opened open(long person, String deviceId) {
    if (devices.find(person, deviceId).isEmpty()) {
      throw new ApiError(ErrorCode.DEVICE_NOT_FOUND, "no such device");
    }
    StreamQuota.Permit permit = quota.acquire(person, deviceId);
    try {
      return new Opened(relay.open(deviceId), permit);
    } catch (RelayException e) {
      permit.close();
      throw error(e);
    } catch (RuntimeException e) {
      permit.close();
      throw e;
    }
  }

  /** Relay streams {@code person} holds open now. */
  public int openStreams(long person) {
    return quota.open(person);
  }

  private static ApiError error(RelayException e) {
    return switch (e.reason()) {
      case RELAY_UNAVAILABLE ->
          new ApiError(ErrorCode.RELAY_UNAVAILABLE, "device access is unavailable; retry shortly");
      case DEVICE_OFFLINE -> new ApiError(ErrorCode.DEVICE_OFFLINE, "the device is not connected");
      case TOO_MANY_STREAMS ->
          new ApiError(ErrorCode.TOO_MANY_STREAMS, "the device has no stream free; retry shortly");
      case RELAY_REFUSED -> new ApiError(ErrorCode.RELAY_REFUSED, e.getMessage());
    };
  }
}
