package io.visiona.server.errors;

import io.helidon.http.Status;
import java.util.Locale;

/**
 * Every error code either server answers with, and its HTTP status: the one table. Clients may
 * branch on the code ({@code {"error":{"code":"...","message":"..."}}}), so a code never changes
 * its meaning; add a new one instead.
 */
public enum ErrorCode {
  // Generic: also what an error Helidon answers by itself gets, from its status.
  BAD_REQUEST(400),
  UNAUTHORIZED(401),
  FORBIDDEN(403),
  NOT_FOUND(404),
  BODY_TOO_LARGE(413),
  UNSUPPORTED_MEDIA_TYPE(415),
  UPGRADE_REQUIRED(426, "Upgrade Required"),
  INTERNAL(500),
  UNAVAILABLE(503),

  // Signed internal requests (server-support signing).
  OVERLOADED(503),

  // api-server: sessions, login, CSRF.
  UNAUTHENTICATED(401),
  SESSION_NOT_FOUND(404),
  INVALID_RETURN_TO(400),
  LOGIN_DENIED(400),
  LOGIN_CODE_MISSING(400),
  LOGIN_CODE_REJECTED(400),
  LOGIN_STATE_INVALID(403),
  LOGIN_EXPIRED(403),
  TOO_MANY_PENDING_LOGINS(429),
  TOO_MANY_LOGINS(429),
  LOGIN_ISSUER_MISMATCH(403),
  ID_TOKEN_INVALID(403),
  ACCOUNT_DISABLED(403),
  CSRF_HEADER_MISSING(403),
  CSRF_CROSS_ORIGIN(403),
  OIDC_NOT_CONFIGURED(503),
  SERVICE_CLIENT_NOT_CONFIGURED(503),
  IDP_MISCONFIGURED(503),
  IDP_UNAVAILABLE(503),

  // api-server: devices, pairing, credentials, the routes boxes call.
  BAD_JSON(400),
  RATE_LIMITED(429),
  DEVICE_NOT_FOUND(404),
  CREDENTIAL_NOT_FOUND(404),
  PAIRING_NOT_FOUND(404),
  PAIRING_ALREADY_DECIDED(409),
  TOO_MANY_WRONG_CODES(429),
  TOO_MANY_PAIRINGS(429),
  PAIRING_BUSY(503),

  // api-server: a person's access to the box's local web API through the relay link.
  RELAY_UNAVAILABLE(503),
  RELAY_REFUSED(502),
  DEVICE_OFFLINE(502),
  DEVICE_TIMEOUT(504),
  DEVICE_PROTOCOL_ERROR(502),
  INVALID_DEVICE_PATH(400),

  // api-server: presence reported by remote-proxy replicas (internal listener).
  STALE_BOOT(409),

  // remote-proxy: tunnels, relay links, JSON forward.
  DRAINING(503),
  AUTH_UNAVAILABLE(503),
  TOO_MANY_AUTH_FAILURES(429),
  FORWARD_BUSY(503),
  TOO_MANY_AGENTS(503),
  TOO_MANY_STREAMS(429),
  MEMORY_BUDGET_EXHAUSTED(503),
  TUNNEL_DISCONNECTED(502),
  STREAM_OPEN_FAILED(502),
  REQUEST_WRITE_FAILED(502),
  RESPONSE_READ_FAILED(502),
  RESPONSE_INVALID(502),
  RESPONSE_TOO_LARGE(502),
  UPSTREAM_TIMEOUT(504);

  private final Status status;

  ErrorCode(int status) {
    this.status = Status.create(status);
  }

  ErrorCode(int status, String reason) {
    this.status = Status.create(status, reason);
  }

  public Status status() {
    return status;
  }

  public String code() {
    return name();
  }

  /** The code for an error that has only a status (Helidon's own answers). */
  public static String forStatus(Status status) {
    return switch (status.code()) {
      case 400 -> BAD_REQUEST.code();
      case 401 -> UNAUTHORIZED.code();
      case 403 -> FORBIDDEN.code();
      case 404 -> NOT_FOUND.code();
      case 413 -> BODY_TOO_LARGE.code();
      case 415 -> UNSUPPORTED_MEDIA_TYPE.code();
      case 426 -> UPGRADE_REQUIRED.code();
      case 500 -> INTERNAL.code();
      case 503 -> UNAVAILABLE.code();
      default -> status.reasonPhrase().toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]+", "_");
    };
  }
}
