package io.visiona.api.internal;

import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.visiona.api.device.DeviceCredentials;
import io.visiona.api.http.JsonResponses;
import io.visiona.api.persistence.AuditLog;
import io.visiona.server.errors.ErrorCode;
import io.visiona.server.errors.ErrorEnvelope;
import io.visiona.server.signing.VerifiedRequest;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.io.StringReader;
import java.util.Optional;

/**
 * {@code POST /internal/agents/verify}, for remote-proxy (signed, proxy→api direction): {@code
 * {"credential":"vdc_..."}} → 200 {@code {"device_id","owner_id"}} for a current credential, 401
 * otherwise, the same for every way of being wrong.
 */
public final class AgentVerifyService implements HttpService {

  /** A credential is 80 characters; anything much longer is not one. */
  static final int MAX_BODY = 1024;

  private final DeviceCredentials credentials;
  private final AuditLog audit;

  public AgentVerifyService(DeviceCredentials credentials, AuditLog audit) {
    this.credentials = credentials;
    this.audit = audit;
  }

  @Override
  public void routing(HttpRules rules) {
    rules.post("/agents/verify", this::verify);
  }

  private void verify(ServerRequest req, ServerResponse res) {
    VerifiedRequest signed = VerifiedRequest.of(req);
    if (req.headers().contentLength().orElse(0) > MAX_BODY) {
      ErrorEnvelope.send(res, ErrorCode.BODY_TOO_LARGE, "body over " + MAX_BODY + " bytes");
      return;
    }
    Optional<String> credential = credential(signed.bodyAsString());
    if (credential.isEmpty()) {
      ErrorEnvelope.send(res, ErrorCode.BAD_REQUEST, "expected {\"credential\":\"...\"}");
      return;
    }
    Optional<DeviceCredentials.Identity> identity = credentials.verify(credential.get());
    if (identity.isEmpty()) {
      // Audited, for its owner, only when it names an existing credential (wrong secret, expired,
      // revoked): made-up credentials, however many, add nothing to the audit log.
      credentials
          .named(credential.get())
          .ifPresent(
              c ->
                  audit.record(
                      c.ownerId(),
                      "agent.verify_refused",
                      "device " + c.deviceId() + ", credential " + c.id(),
                      null));
      ErrorEnvelope.send(res, ErrorCode.UNAUTHORIZED, "unknown, expired or revoked credential");
      return;
    }
    JsonResponses.send(
        res,
        Status.OK_200,
        Json.createObjectBuilder()
            .add("device_id", identity.get().deviceId())
            .add("owner_id", Long.toString(identity.get().ownerId()))
            .add("credential_id", identity.get().credentialId())
            .add("expires_at", identity.get().expiresAt())
            .build());
  }

  private static Optional<String> credential(String body) {
    try {
      JsonObject o = Json.createReader(new StringReader(body)).readObject();
      return o.get("credential") instanceof JsonString s
          ? Optional.of(s.getString())
          : Optional.empty();
    } catch (JsonException | IllegalStateException e) {
      return Optional.empty();
    }
  }
}
