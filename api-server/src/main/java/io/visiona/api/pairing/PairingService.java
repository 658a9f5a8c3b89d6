package io.visiona.api.pairing;

import io.visiona.api.crypto.Hashes;
import io.visiona.api.crypto.RandomTokens;
import io.visiona.api.device.Device;
import io.visiona.api.device.DeviceCredentials;
import io.visiona.api.device.DeviceRepository;
import io.visiona.api.persistence.AuditLog;
import java.net.URI;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * Device pairing after RFC 8628: a box starts a pairing and polls; a logged-in person looks at it
 * by its user code and approves or denies it; the first poll after approval exchanges it, once, for
 * a new device and its credential.
 */
public final class PairingService {

  /** The answer to {@code /v1/pair/start}. */
  public record Started(
      String deviceCode,
      String userCode,
      URI verificationUri,
      URI verificationUriComplete,
      long expiresInSeconds,
      long intervalSeconds) {}

  /** The answer to a poll, as RFC 8628 §3.5 names them. */
  public sealed interface Poll {
    record Pending() implements Poll {}

    record SlowDown(long intervalSeconds) implements Poll {}

    record Denied() implements Poll {}

    record Expired() implements Poll {}

    /** Unknown device code, or one already exchanged. */
    record Invalid() implements Poll {}

    record Issued(String deviceId, String credential, URI tunnelUrl, long credentialExpiresAt)
        implements Poll {}
  }

  /** What a person sees before deciding: enough to notice a box that is not theirs. */
  public record View(
      String userCode,
      Pairing.State state,
      String name,
      String model,
      String serial,
      String agentVersion,
      String clientAddress,
      long createdAt,
      long expiresAt) {}

  private static final int USER_CODE_ATTEMPTS = 5;

  private final PairingRepository pairings;
  private final DeviceCredentials credentials;
  private final AuditLog audit;
  private final PairingSettings settings;
  private final UserCodes userCodes;
  private final Clock clock;

  public PairingService(
      Jdbi jdbi,
      DeviceCredentials credentials,
      AuditLog audit,
      PairingSettings settings,
      Clock clock) {
    this(jdbi, credentials, audit, settings, new UserCodes(), clock);
  }

  PairingService(
      Jdbi jdbi,
      DeviceCredentials credentials,
      AuditLog audit,
      PairingSettings settings,
      UserCodes userCodes,
      Clock clock) {
    this.pairings = new PairingRepository(jdbi);
    this.credentials = credentials;
    this.audit = audit;
    this.settings = settings;
    this.userCodes = userCodes;
    this.clock = clock;
  }

  /** A box without a credential asks to be paired. */
  public Started start(BoxInfo box, String clientAddress) {
    long now = clock.millis();
    pairings.pruneEndedBefore(now - settings.lifetime().toMillis());
    if (pairings.countOpen(clientAddress, now) >= settings.maxPendingPerAddress()) {
      throw new PairingException(
          PairingException.Kind.TOO_MANY_PENDING, "too many open pairings from this address");
    }
    if (pairings.countOpen(null, now) >= settings.maxPending()) {
      throw new PairingException(PairingException.Kind.BUSY, "too many open pairings; retry later");
    }
    String deviceCode = RandomTokens.base64Url(32);
    for (int attempt = 1; ; attempt++) {
      Pairing p =
          new Pairing(
              RandomTokens.base64Url(16),
              userCodes.generate(),
              Pairing.State.PENDING,
              box.name(),
              box.model(),
              box.serial(),
              box.agentVersion(),
              clientAddress,
              now,
              now + settings.lifetime().toMillis(),
              settings.interval().toMillis(),
              null,
              null,
              null,
              null,
              null);
      try {
        pairings.insert(p, Hashes.sha256Hex(deviceCode));
      } catch (UnableToExecuteStatementException collision) {
        if (attempt >= USER_CODE_ATTEMPTS) {
          throw collision;
        }
        continue; // a user code still in use: draw another
      }
      audit.record(null, "pairing.started", "box '" + box.name() + "'", clientAddress);
      String display = UserCodes.display(p.userCode());
      return new Started(
          deviceCode,
          display,
          settings.verificationUri(),
          URI.create(settings.verificationUri() + "?code=" + display),
          settings.lifetime().toSeconds(),
          settings.interval().toSeconds());
    }
  }

  /** The box polls with its device code. */
  public Poll poll(String deviceCode) {
    if (deviceCode == null || deviceCode.isEmpty() || deviceCode.length() > 128) {
      return new Poll.Invalid();
    }
    Optional<Pairing> found = pairings.byDeviceCode(Hashes.sha256Hex(deviceCode));
    if (found.isEmpty()) {
      return new Poll.Invalid();
    }
    Pairing p = found.get();
    long now = clock.millis();
    if (p.state() == Pairing.State.CONSUMED) {
      return new Poll.Invalid();
    }
    if (p.expiredAt(now)) {
      if (p.lastPollAt() == null || p.lastPollAt() < p.expiresAt()) {
        // Audited once: the first poll after expiry; later ones find last_poll_at past it.
        pairings.recordPoll(p.id(), now, p.intervalMs());
        audit.record(p.decidedBy(), "pairing.expired", "box '" + p.name() + "'", p.clientAddress());
      }
      return new Poll.Expired();
    }
    if (p.lastPollAt() != null && now - p.lastPollAt() < p.intervalMs()) {
      long slower = p.intervalMs() + PairingSettings.SLOW_DOWN_STEP.toMillis();
      pairings.recordPoll(p.id(), now, slower);
      return new Poll.SlowDown(slower / 1000);
    }
    pairings.recordPoll(p.id(), now, p.intervalMs());
    return switch (p.state()) {
      case PENDING -> new Poll.Pending();
      case DENIED -> new Poll.Denied();
      case APPROVED -> exchange(p, now);
      case CONSUMED -> new Poll.Invalid();
    };
  }

  /**
   * One transaction: the pairing is consumed by compare-and-set, the device and its credential are
   * created. If the pairing cannot be consumed (already exchanged by a parallel poll, expired in
   * between) nothing is created and no credential leaves the server.
   */
  private Poll exchange(Pairing p, long now) {
    String deviceId = UUID.randomUUID().toString();
    Optional<DeviceCredentials.Issued> issued =
        pairings
            .jdbi()
            .inTransaction(
                h -> {
                  if (!PairingRepository.consume(h, p.id(), deviceId, now)) {
                    h.rollback();
                    return Optional.empty();
                  }
                  DeviceRepository.insert(
                      h,
                      new Device(
                          deviceId,
                          p.decidedBy(),
                          p.deviceName() != null ? p.deviceName() : p.name(),
                          p.model(),
                          p.serial(),
                          p.agentVersion(),
                          now));
                  return Optional.of(credentials.issue(h, deviceId, p.decidedBy()));
                });
    if (issued.isEmpty()) {
      return new Poll.Invalid();
    }
    DeviceCredentials.Issued c = issued.get();
    audit.record(
        p.decidedBy(),
        "pairing.exchanged",
        "device " + deviceId + ", credential " + c.token().id(),
        p.clientAddress());
    return new Poll.Issued(deviceId, c.token().text(), settings.tunnelUrl(), c.expiresAt());
  }

  /** A logged-in person looks at a pairing by its user code; the first to look claims it. */
  public View view(long user, String typedCode, String clientAddress) {
    Pairing p = findForPerson(user, typedCode, clientAddress, false);
    if (!pairings.claimView(p.id(), user)) {
      throw notFound(); // another person looked first: not theirs to see
    }
    return new View(
        UserCodes.display(p.userCode()),
        p.state(),
        p.name(),
        p.model(),
        p.serial(),
        p.agentVersion(),
        p.clientAddress(),
        p.createdAt(),
        p.expiresAt());
  }

  public void approve(long user, String typedCode, String deviceName, String clientAddress) {
    decide(user, typedCode, Pairing.State.APPROVED, deviceName, clientAddress);
  }

  public void deny(long user, String typedCode, String clientAddress) {
    decide(user, typedCode, Pairing.State.DENIED, null, clientAddress);
  }

  private void decide(
      long user, String typedCode, Pairing.State to, String deviceName, String clientAddress) {
    String name = deviceName == null ? null : new BoxInfo(deviceName, null, null, null).name();
    Pairing p = findForPerson(user, typedCode, clientAddress, true);
    if (p.state() != Pairing.State.PENDING) {
      throw new PairingException(
          PairingException.Kind.ALREADY_DECIDED, "this pairing was already decided");
    }
    if (pairings.decide(p.id(), user, to, name, clock.millis())) {
      audit.record(
          user,
          to == Pairing.State.APPROVED ? "pairing.approved" : "pairing.denied",
          "box '" + p.name() + "' from " + p.clientAddress(),
          clientAddress);
      return;
    }
    // Lost the compare-and-set: decided meanwhile (by this person before, or by a racing one),
    // or it expired or another person claimed it in between.
    Pairing current = pairings.byUserCode(p.userCode()).orElseThrow(PairingService::notFound);
    if (current.state() != Pairing.State.PENDING) {
      throw new PairingException(
          PairingException.Kind.ALREADY_DECIDED, "this pairing was already decided");
    }
    throw notFound();
  }

  /**
   * The pairing behind a typed code if this person may see it, counting wrong codes: after {@code
   * max-wrong-codes-per-user} within one code lifetime, every try is refused until they age out. A
   * pending pairing another person has looked at is not theirs to see; one already decided is found
   * for a decision, which then answers 409 (two people racing to approve: one wins).
   */
  private Pairing findForPerson(
      long user, String typedCode, String clientAddress, boolean forDecision) {
    long now = clock.millis();
    long windowStart = now - settings.lifetime().toMillis();
    if (pairings.wrongCodesSince(user, windowStart) >= settings.maxWrongCodesPerUser()) {
      audit.record(user, "pairing.wrong_code_limit", null, clientAddress);
      throw new PairingException(
          PairingException.Kind.TOO_MANY_WRONG_CODES,
          "too many wrong codes; try again in " + settings.lifetime().toMinutes() + " minutes");
    }
    Optional<Pairing> found =
        UserCodes.normalise(typedCode)
            .flatMap(pairings::byUserCode)
            .filter(p -> !p.expiredAt(now))
            .filter(
                p ->
                    p.viewedBy() == null
                        || p.viewedBy() == user
                        || forDecision && p.state() != Pairing.State.PENDING);
    if (found.isEmpty()) {
      pairings.recordWrongCode(user, now);
      pairings.pruneWrongCodesBefore(windowStart);
      throw notFound();
    }
    return found.get();
  }

  private static PairingException notFound() {
    return new PairingException(PairingException.Kind.NOT_FOUND, "no such pairing code");
  }
}
