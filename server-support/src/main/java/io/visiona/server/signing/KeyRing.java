package io.visiona.server.signing;

import java.security.MessageDigest;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A ring of HMAC-SHA256 keys: the keys of one {@link Direction} of internal request signing, and
 * the api-server's session cookie keys. Several keys are valid at once so that a key can be rotated
 * without downtime; a key with a not-after instant is retired after it.
 *
 * <p>Text form, as found in configuration: entries separated by commas or whitespace, each {@code
 * kid:secret} or {@code kid:secret:not-after}, where {@code secret} is base64 or base64url (padding
 * optional) of at least 32 bytes and {@code not-after} an ISO-8601 instant such as {@code
 * 2026-01-31T00:00:00Z}. The first key that is not retired signs; every key that is not retired
 * verifies.
 *
 * <p>Rotation: add the new key at the end of the receiver's ring, then put it first in the sender's
 * ring, then give the old key a not-after instant (or remove it) on both sides.
 */
public final class KeyRing {

  /** A ring is a handful of keys; more is a configuration mistake, not a rotation. */
  static final int MAX_KEYS = 16;

  private final List<SigningKey> keys;

  private KeyRing(List<SigningKey> keys) {
    this.keys = List.copyOf(keys);
  }

  /**
   * A ring of the given keys, in signing preference order.
   *
   * @throws IllegalArgumentException when empty, too large or when two keys share an id
   */
  public static KeyRing of(List<SigningKey> keys) {
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("a key ring needs at least one key");
    }
    if (keys.size() > MAX_KEYS) {
      throw new IllegalArgumentException("a key ring holds at most " + MAX_KEYS + " keys");
    }
    Set<String> ids = new HashSet<>();
    for (SigningKey key : keys) {
      if (!ids.add(key.id())) {
        throw new IllegalArgumentException("key id '" + key.id() + "' appears twice in a key ring");
      }
    }
    return new KeyRing(keys);
  }

  /**
   * Parses the text form described in the class comment. Error messages name the entry and the key
   * id but never contain key material.
   */
  public static KeyRing parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("no signing keys given (expected kid:base64key,...)");
    }
    List<SigningKey> keys = new ArrayList<>();
    // A stray leading separator leaves an empty first entry; it is not a key.
    String[] entries = text.strip().replaceFirst("^[,\\s]+", "").split("[,\\s]+");
    for (int i = 0; i < entries.length; i++) {
      keys.add(parseEntry(entries[i], i + 1));
    }
    return of(keys);
  }

  private static SigningKey parseEntry(String entry, int position) {
    // The instant contains colons itself, hence the limit.
    String[] parts = entry.split(":", 3);
    if (parts.length < 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
      throw new IllegalArgumentException(
          "signing key entry " + position + " is not kid:base64key[:not-after]");
    }
    String id = parts[0];
    byte[] secret = decode(parts[1], id, position);
    Instant notAfter = null;
    if (parts.length == 3) {
      try {
        notAfter = Instant.parse(parts[2]);
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(
            "signing key '"
                + id
                + "' (entry "
                + position
                + "): not-after is not an ISO-8601 instant like 2026-01-31T00:00:00Z");
      }
    }
    return SigningKey.of(id, secret, notAfter);
  }

  private static byte[] decode(String secret, String id, int position) {
    try {
      boolean url = secret.indexOf('-') >= 0 || secret.indexOf('_') >= 0;
      return (url ? Base64.getUrlDecoder() : Base64.getDecoder()).decode(secret);
    } catch (IllegalArgumentException e) {
      // The decoder's own message may quote the offending character; keep it out.
      throw new IllegalArgumentException(
          "signing key '" + id + "' (entry " + position + ") is not valid base64 or base64url");
    }
  }

  /** The key that signs at {@code now}: the first one not retired. */
  public SigningKey current(Instant now) {
    return keys.stream()
        .filter(k -> !k.retiredAt(now))
        .findFirst()
        .orElseThrow(
            () -> new IllegalStateException("every key of the signing key ring is retired"));
  }

  /** The key with this id, retired or not. */
  public Optional<SigningKey> find(String id) {
    return keys.stream().filter(k -> k.id().equals(id)).findFirst();
  }

  public List<SigningKey> keys() {
    return keys;
  }

  /** True when some key of this ring has the same secret as some key of {@code other}. */
  public boolean sharesSecretWith(KeyRing other) {
    for (SigningKey mine : keys) {
      for (SigningKey theirs : other.keys) {
        if (MessageDigest.isEqual(mine.secret().getEncoded(), theirs.secret().getEncoded())) {
          return true;
        }
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return "KeyRing" + keys;
  }
}
