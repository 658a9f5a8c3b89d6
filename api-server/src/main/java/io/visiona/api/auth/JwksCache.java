package io.visiona.api.auth;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.URI;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The provider's signing keys from {@code jwks_uri} (and from nowhere else). Keys are refetched
 * when older than {@code maxAge}, and when a token names an unknown {@code kid}, unless another
 * unknown {@code kid} already caused a refetch within {@code minRefreshInterval}: key rotation
 * works without a restart, even right after a routine fetch, and a flood of tokens with made-up key
 * ids costs at most one fetch per interval. Keys that do not parse, symmetric keys and keys not
 * meant for signatures are skipped.
 */
public final class JwksCache {

  private static final Logger LOG = Logger.getLogger(JwksCache.class.getName());
  private static final int MAX_KEYS = 100;

  private final Supplier<URI> jwksUri;
  private final IdpHttp http;
  private final Clock clock;
  private final Duration minRefreshInterval;
  private final Duration maxAge;
  private final ReentrantLock lock = new ReentrantLock();
  private List<JWK> keys;
  private long fetchedAt;
  // Only refetches for an unknown kid count against minRefreshInterval; routine fetches do not.
  private boolean unknownKidRefetched;
  private long unknownKidRefetchedAt;

  public JwksCache(
      Supplier<URI> jwksUri,
      IdpHttp http,
      Clock clock,
      Duration minRefreshInterval,
      Duration maxAge) {
    this.jwksUri = jwksUri;
    this.http = http;
    this.clock = clock;
    this.minRefreshInterval = minRefreshInterval;
    this.maxAge = maxAge;
  }

  /**
   * The public keys that may have signed a token with this {@code kid}: those with that id, or all
   * keys when the token names none.
   */
  public List<JWK> candidates(String kid) {
    lock.lock();
    try {
      long now = clock.millis();
      if (keys == null || now - fetchedAt >= maxAge.toMillis()) {
        refresh(now);
      }
      List<JWK> found = select(kid);
      if (found.isEmpty() && kid != null && unknownKidRefetchAllowed(now)) {
        unknownKidRefetched = true;
        unknownKidRefetchedAt = now;
        refresh(now);
        found = select(kid);
      }
      return found;
    } finally {
      lock.unlock();
    }
  }

  private boolean unknownKidRefetchAllowed(long now) {
    return !unknownKidRefetched || now - unknownKidRefetchedAt >= minRefreshInterval.toMillis();
  }

  private List<JWK> select(String kid) {
    if (keys == null) {
      return List.of();
    }
    return keys.stream().filter(k -> kid == null || kid.equals(k.getKeyID())).toList();
  }

  private void refresh(long now) {
    try {
      keys = parse(http.getJson(jwksUri.get()));
      fetchedAt = now;
    } catch (RuntimeException e) {
      if (keys == null) {
        throw e;
      }
      LOG.warning("JWKS refresh failed, keeping the previous keys: " + e.getMessage());
      fetchedAt = now; // keep these keys for another maxAge (an unknown kid may retry sooner)
    }
  }

  static List<JWK> parse(JsonObject jwks) {
    List<JWK> out = new ArrayList<>();
    if (!(jwks.get("keys") instanceof JsonArray array)) {
      return out;
    }
    for (JsonValue v : array) {
      if (out.size() >= MAX_KEYS) {
        break;
      }
      try {
        JWK key = JWK.parse(v.toString());
        if (key instanceof OctetSequenceKey) {
          continue;
        }
        if (key.getKeyUse() != null && !KeyUse.SIGNATURE.equals(key.getKeyUse())) {
          continue;
        }
        out.add(key.isPrivate() ? key.toPublicJWK() : key);
      } catch (ParseException | RuntimeException e) {
        LOG.fine("skipping a JWKS entry that does not parse: " + e.getMessage());
      }
    }
    return out;
  }
}
