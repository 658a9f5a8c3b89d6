package io.visiona.api.pairing;

import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.visiona.api.http.ApiRoutes;
import io.visiona.api.http.BoxRoutes;
import io.visiona.api.http.JsonBodies;
import io.visiona.api.http.JsonResponses;
import io.visiona.api.session.ActiveSession;
import io.visiona.server.errors.ApiError;
import io.visiona.server.errors.ErrorCode;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.util.function.Function;

/**
 * Pairing over HTTP. Boxes: {@code POST /v1/pair/start} and {@code POST /v1/pair/token} (RFC 8628
 * §3.1–3.5; errors of the token endpoint in its {@code {"error":"authorization_pending"}} form).
 * People, with a session: {@code GET /api/pairings/{code}}, {@code POST .../approve}, {@code POST
 * .../deny}.
 */
public final class PairingRoutes {

  private final PairingService pairing;
  private final Function<ServerRequest, String> clientAddress;

  public PairingRoutes(PairingService pairing, Function<ServerRequest, String> clientAddress) {
    this.pairing = pairing;
    this.clientAddress = clientAddress;
  }

  public void register(ApiRoutes api, BoxRoutes box) {
    box.route(Method.POST, "/v1/pair/start", this::start)
        .route(Method.POST, "/v1/pair/token", this::token);
    api.sessionRoute(Method.GET, "/api/pairings/{code}", this::view)
        .sessionRoute(Method.POST, "/api/pairings/{code}/approve", this::approve)
        .sessionRoute(Method.POST, "/api/pairings/{code}/deny", this::deny);
  }

  private void start(ServerRequest req, ServerResponse res) {
    JsonObject body = JsonBodies.object(req);
    PairingService.Started s =
        run(
            () ->
                pairing.start(
                    new BoxInfo(
                        JsonBodies.string(body, "name").orElse(null),
                        JsonBodies.string(body, "model").orElse(null),
                        JsonBodies.string(body, "serial").orElse(null),
                        JsonBodies.string(body, "agent_version").orElse(null)),
                    clientAddress.apply(req)));
    JsonResponses.send(
        res,
        Status.OK_200,
        Json.createObjectBuilder()
            .add("device_code", s.deviceCode())
            .add("user_code", s.userCode())
            .add("verification_uri", s.verificationUri().toString())
            .add("verification_uri_complete", s.verificationUriComplete().toString())
            .add("expires_in", s.expiresInSeconds())
            .add("interval", s.intervalSeconds())
            .build());
  }

  private void token(ServerRequest req, ServerResponse res) {
    String deviceCode = JsonBodies.string(JsonBodies.object(req), "device_code").orElse("");
    switch (pairing.poll(deviceCode)) {
      case PairingService.Poll.Issued i ->
          JsonResponses.send(
              res,
              Status.OK_200,
              Json.createObjectBuilder()
                  .add("device_id", i.deviceId())
                  .add("credential", i.credential())
                  .add("tunnel_url", i.tunnelUrl().toString())
                  .add("expires_at", i.credentialExpiresAt())
                  .build());
      case PairingService.Poll.Pending p ->
          oauthError(res, "authorization_pending", "not approved yet", null);
      case PairingService.Poll.SlowDown s ->
          oauthError(res, "slow_down", "poll less often", s.intervalSeconds());
      case PairingService.Poll.Denied d ->
          oauthError(res, "access_denied", "the pairing was denied", null);
      case PairingService.Poll.Expired e ->
          oauthError(res, "expired_token", "the pairing expired; start again", null);
      case PairingService.Poll.Invalid v ->
          oauthError(res, "invalid_grant", "unknown or already used device code", null);
    }
  }

  /** RFC 8628 §3.5 / RFC 6749 §5.2: 400 with {@code error} and {@code error_description}. */
  private static void oauthError(
      ServerResponse res, String error, String description, Long interval) {
    JsonObjectBuilder b =
        Json.createObjectBuilder().add("error", error).add("error_description", description);
    if (interval != null) {
      b.add("interval", interval);
    }
    JsonResponses.send(res, Status.BAD_REQUEST_400, b.build());
  }

  private void view(ActiveSession session, ServerRequest req, ServerResponse res) {
    PairingService.View v =
        run(() -> pairing.view(session.user().id(), code(req), clientAddress.apply(req)));
    JsonObjectBuilder b =
        Json.createObjectBuilder()
            .add("user_code", v.userCode())
            .add("state", v.state().name().toLowerCase(java.util.Locale.ROOT))
            .add("name", v.name())
            .add("client_address", v.clientAddress())
            .add("created_at", v.createdAt())
            .add("expires_at", v.expiresAt());
    addIfPresent(b, "model", v.model());
    addIfPresent(b, "serial", v.serial());
    addIfPresent(b, "agent_version", v.agentVersion());
    JsonResponses.send(res, Status.OK_200, b.build());
  }

  private void approve(ActiveSession session, ServerRequest req, ServerResponse res) {
    String name = JsonBodies.string(JsonBodies.object(req), "name").orElse(null);
    run(
        () -> {
          pairing.approve(session.user().id(), code(req), name, clientAddress.apply(req));
          return null;
        });
    JsonResponses.send(
        res, Status.OK_200, Json.createObjectBuilder().add("state", "approved").build());
  }

  private void deny(ActiveSession session, ServerRequest req, ServerResponse res) {
    run(
        () -> {
          pairing.deny(session.user().id(), code(req), clientAddress.apply(req));
          return null;
        });
    JsonResponses.send(
        res, Status.OK_200, Json.createObjectBuilder().add("state", "denied").build());
  }

  private static String code(ServerRequest req) {
    return req.path().pathParameters().get("code");
  }

  private static void addIfPresent(JsonObjectBuilder b, String name, String value) {
    if (value != null) {
      b.add(name, value);
    }
  }

  private static <T> T run(java.util.function.Supplier<T> action) {
    try {
      return action.get();
    } catch (PairingException e) {
      throw toApi(e);
    }
  }

  static ApiError toApi(PairingException e) {
    ErrorCode code =
        switch (e.kind()) {
          case NOT_FOUND -> ErrorCode.PAIRING_NOT_FOUND;
          case TOO_MANY_WRONG_CODES -> ErrorCode.TOO_MANY_WRONG_CODES;
          case ALREADY_DECIDED -> ErrorCode.PAIRING_ALREADY_DECIDED;
          case TOO_MANY_PENDING -> ErrorCode.TOO_MANY_PAIRINGS;
          case BUSY -> ErrorCode.PAIRING_BUSY;
          case INVALID -> ErrorCode.BAD_REQUEST;
        };
    return new ApiError(code, e.getMessage());
  }
}
