package io.visiona.api.device;

import io.visiona.api.crypto.Hashes;
import io.visiona.api.device.CredentialRepository.StoredCredential;
import java.time.Clock;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Issues, verifies and rotates device credentials. Verification costs the same whether the id is
 * unknown or the secret wrong: the secret's hash is always compared, in constant time, against a
 * stored hash or a stand-in.
 */
public final class DeviceCredentials {

  /** Who a valid credential speaks for. */
  public record Identity(String deviceId, long ownerId, String credentialId, long expiresAt) {}

  /** A credential just created; {@code token} is shown once and then only its hash exists. */
  public record Issued(CredentialToken token, String deviceId, long ownerId, long expiresAt) {}

  private static final String STAND_IN_HASH = Hashes.sha256Hex("no such credential");

  private final Jdbi jdbi;
  private final CredentialRepository credentials;
  private final CredentialSettings settings;
  private final Clock clock;

  public DeviceCredentials(
      Jdbi jdbi, CredentialRepository credentials, CredentialSettings settings, Clock clock) {
    this.jdbi = jdbi;
    this.credentials = credentials;
    this.settings = settings;
    this.clock = clock;
  }

  /** A new credential for {@code deviceId}, inside the caller's transaction. */
  public Issued issue(Handle h, String deviceId, long ownerId) {
    CredentialToken token = CredentialToken.generate();
    long now = clock.millis();
    long expires = now + settings.lifetime().toMillis();
    CredentialRepository.insert(
        h,
        new StoredCredential(
            token.id(), deviceId, ownerId, token.secretHash(), now, expires, null));
    return new Issued(token, deviceId, ownerId, expires);
  }

  /** The identity behind a presented credential, if it is well formed, known, current. */
  public Optional<Identity> verify(String presented) {
    Optional<CredentialToken> token = CredentialToken.parse(presented);
    String presentedHash = token.map(CredentialToken::secretHash).orElse(STAND_IN_HASH);
    Optional<StoredCredential> stored = token.flatMap(t -> credentials.findForVerification(t.id()));
    boolean secretMatches =
        Hashes.constantTimeEquals(
            presentedHash, stored.map(StoredCredential::secretHash).orElse(STAND_IN_HASH));
    if (token.isEmpty() || stored.isEmpty() || !secretMatches) {
      return Optional.empty();
    }
    StoredCredential c = stored.get();
    if (!c.validAt(clock.millis())) {
      return Optional.empty();
    }
    return Optional.of(new Identity(c.deviceId(), c.ownerId(), c.id(), c.expiresAt()));
  }

  /**
   * The stored credential a presented one names by its id, whatever its secret: for auditing a
   * refusal under the device's owner. Empty for anything that names no existing credential.
   */
  public Optional<StoredCredential> named(String presented) {
    return CredentialToken.parse(presented).flatMap(t -> credentials.findForVerification(t.id()));
  }

  /**
   * A new credential for the device that presented a valid one; the presented one keeps working for
   * the rotation overlap. Empty when the presented credential is not valid.
   */
  public Optional<Issued> rotate(String presented) {
    Optional<Identity> identity = verify(presented);
    if (identity.isEmpty()) {
      return Optional.empty();
    }
    Identity id = identity.get();
    return Optional.of(
        jdbi.inTransaction(
            h -> {
              Issued next = issue(h, id.deviceId(), id.ownerId());
              CredentialRepository.shorten(
                  h, id.credentialId(), clock.millis() + settings.rotationOverlap().toMillis());
              return next;
            }));
  }
}
