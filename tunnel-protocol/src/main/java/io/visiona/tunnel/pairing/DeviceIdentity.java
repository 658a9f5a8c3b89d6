package io.visiona.tunnel.pairing;

import java.net.URI;
import java.time.Instant;

/**
 * What a box holds after pairing: its device id, its credential (a secret: never logged, see {@link
 * #toString}), where to connect, and when the credential ends.
 */
public record DeviceIdentity(String deviceId, String credential, URI tunnelUrl, Instant expiresAt) {

  @Override
  public String toString() {
    return "DeviceIdentity[device="
        + deviceId
        + ", tunnel="
        + tunnelUrl
        + ", expires="
        + expiresAt
        + "]";
  }
}
