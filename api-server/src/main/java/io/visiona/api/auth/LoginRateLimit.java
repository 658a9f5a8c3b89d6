package io.visiona.api.auth;

import io.helidon.config.Config;
import io.helidon.webserver.http.ServerRequest;
import io.visiona.server.errors.ApiError;
import io.visiona.server.errors.ErrorCode;
import io.visiona.server.limits.AddressRateLimiter;
import io.visiona.server.limits.ClientAddress;
import java.time.Clock;
import java.util.Optional;

/**
 * Logins started per client address, in front of the global cap of pending logins ({@link
 * LoginTransactions}): one address flooding {@code /api/auth/login} exhausts its own budget, not
 * everyone's.
 */
public final class LoginRateLimit {

  /** {@code api.oidc.login.per-address.*}. */
  public record Settings(double ratePerSecond, int burst, int maxAddresses) {

    public Settings {
      if (!(ratePerSecond > 0) || burst < 1 || maxAddresses < 1) {
        throw new IllegalArgumentException(
            "api.oidc.login.per-address: rate must be > 0, burst and max-addresses >= 1");
      }
    }

    public static Settings from(Config perAddress) {
      return new Settings(
          perAddress.get("rate").asDouble().orElse(0.2),
          perAddress.get("burst").asInt().orElse(30),
          perAddress.get("max-addresses").asInt().orElse(100_000));
    }
  }

  private final AddressRateLimiter limiter;
  private final ClientAddress clients;
  private final long retryAfterSeconds;

  public LoginRateLimit(Settings settings, ClientAddress clients, Clock clock) {
    this.limiter =
        new AddressRateLimiter(
            settings.ratePerSecond(), settings.burst(), settings.maxAddresses(), clock);
    this.clients = clients;
    this.retryAfterSeconds = (long) Math.ceil(1 / settings.ratePerSecond());
  }

  /** Takes one login for the request's client; the refusal to send when its budget is spent. */
  public Optional<ApiError> acquire(ServerRequest req) {
    if (limiter.tryAcquire(ClientAddress.limitKey(clients.of(req)))) {
      return Optional.empty();
    }
    return Optional.of(
        new ApiError(
            ErrorCode.TOO_MANY_LOGINS,
            "too many logins from this address; try again in " + retryAfterSeconds + " s"));
  }

  /** Seconds until an address that was refused has a login again. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
