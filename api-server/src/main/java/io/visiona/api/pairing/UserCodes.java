package io.visiona.api.pairing;

import java.security.SecureRandom;
import java.util.Locale;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * User codes (RFC 8628 §6.1): 8 characters from 20 consonants without vowels (no words, no 0/O or
 * 1/I confusion), about 34.5 bits, shown {@code XXXX-XXXX}; typed case-insensitively, dash and
 * spaces ignored.
 */
public final class UserCodes {

  static final String ALPHABET = "BCDFGHJKLMNPQRSTVWXZ";
  static final int LENGTH = 8;

  /** The largest multiple of 20 that fits a byte: bytes at or above it are drawn again. */
  private static final int UNBIASED_LIMIT = 256 - 256 % ALPHABET.length();

  private final RandomGenerator random;

  public UserCodes() {
    this(new SecureRandom());
  }

  UserCodes(RandomGenerator random) {
    this.random = random;
  }

  /** A new code in its stored form (8 letters, no dash). Rejection sampling keeps it uniform. */
  public String generate() {
    StringBuilder code = new StringBuilder(LENGTH);
    while (code.length() < LENGTH) {
      int b = random.nextInt(256);
      if (b < UNBIASED_LIMIT) {
        code.append(ALPHABET.charAt(b % ALPHABET.length()));
      }
    }
    return code.toString();
  }

  /** What a person typed, in stored form; empty when it cannot be a user code. */
  public static Optional<String> normalise(String typed) {
    if (typed == null || typed.length() > 32) {
      return Optional.empty();
    }
    String code = typed.replace("-", "").replace(" ", "").toUpperCase(Locale.ROOT);
    if (code.length() != LENGTH) {
      return Optional.empty();
    }
    for (int i = 0; i < LENGTH; i++) {
      if (ALPHABET.indexOf(code.charAt(i)) < 0) {
        return Optional.empty();
      }
    }
    return Optional.of(code);
  }

  /** {@code BCDF-GHJK}. */
  public static String display(String stored) {
    return stored.substring(0, 4) + "-" + stored.substring(4);
  }
}
