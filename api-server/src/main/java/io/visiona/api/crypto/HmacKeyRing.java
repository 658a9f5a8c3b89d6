package io.visiona.api.crypto;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * HMAC-SHA256 keys identified by a short id. The first key signs; every key verifies, so a new key
 * can be put first while the old one still accepts cookies issued before the rotation.
 *
 * <p>Textual form (configuration): {@code kid:base64key[,kid:base64key...]}, each key at least 32
 * bytes (standard or url-safe base64).
 */
public final class HmacKeyRing {

  private static final int MIN_KEY_BYTES = 32;
  private static final Pattern KID = Pattern.compile("[A-Za-z0-9_-]{1,16}");

  private final String activeKid;
  private final Map<String, byte[]> keys;

  private HmacKeyRing(Map<String, byte[]> keys) {
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("key ring is empty");
    }
    this.keys = Map.copyOf(keys);
    this.activeKid = keys.keySet().iterator().next();
  }

  /** Parses {@code kid:base64key,...}; the first entry is the signing key. */
  public static HmacKeyRing parse(String text) {
    Map<String, byte[]> keys = new LinkedHashMap<>();
    for (String entry : text.split(",")) {
      String trimmed = entry.trim();
      if (trimmed.isEmpty()) {
        continue;
      }
      int colon = trimmed.indexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("key ring entry needs the form kid:base64key");
      }
      String kid = trimmed.substring(0, colon);
      if (!KID.matcher(kid).matches()) {
        throw new IllegalArgumentException("key id must be 1-16 of [A-Za-z0-9_-]");
      }
      byte[] key = decode(trimmed.substring(colon + 1));
      if (key.length < MIN_KEY_BYTES) {
        throw new IllegalArgumentException("key " + kid + " is shorter than 256 bits");
      }
      if (keys.put(kid, key) != null) {
        throw new IllegalArgumentException("duplicate key id " + kid);
      }
    }
    return new HmacKeyRing(keys);
  }

  /** A ring with one fresh random key: cookies it signs die with the process. */
  public static HmacKeyRing ephemeral() {
    Map<String, byte[]> keys = new LinkedHashMap<>();
    keys.put("tmp", RandomTokens.bytes(MIN_KEY_BYTES));
    return new HmacKeyRing(keys);
  }

  private static byte[] decode(String b64) {
    String s = b64.trim();
    try {
      return s.indexOf('-') >= 0 || s.indexOf('_') >= 0
          ? Base64.getUrlDecoder().decode(s)
          : Base64.getDecoder().decode(s);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("key is not valid base64");
    }
  }

  public String activeKid() {
    return activeKid;
  }

  public List<String> kids() {
    return new ArrayList<>(keys.keySet());
  }

  /** base64url HMAC of {@code data} with the signing key. */
  public String sign(String data) {
    return Hashes.hmacSha256Base64Url(keys.get(activeKid), data);
  }

  /** Whether {@code mac} is the HMAC of {@code data} under key {@code kid} (constant time). */
  public boolean verify(String kid, String data, String mac) {
    return Optional.ofNullable(keys.get(kid))
        .map(key -> Hashes.constantTimeEquals(Hashes.hmacSha256Base64Url(key, data), mac))
        .orElse(false);
  }

  @Override
  public String toString() {
    return "HmacKeyRing" + kids();
  }
}
