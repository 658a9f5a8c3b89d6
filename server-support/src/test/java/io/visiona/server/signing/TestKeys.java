package io.visiona.server.signing;

import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/** Distinct, reproducible 256-bit test keys. */
final class TestKeys {

  private TestKeys() {}

  static byte[] secret(int seed) {
    byte[] b = new byte[32];
    Arrays.fill(b, (byte) seed);
    b[0] = (byte) (seed * 31 + 7);
    return b;
  }

  static String base64(int seed) {
    return Base64.getEncoder().encodeToString(secret(seed));
  }

  static SigningKey key(String id, int seed) {
    return SigningKey.of(id, secret(seed), null);
  }

  static SigningKey key(String id, int seed, Instant notAfter) {
    return SigningKey.of(id, secret(seed), notAfter);
  }

  static KeyRing ring(SigningKey... keys) {
    return KeyRing.of(List.of(keys));
  }
}
