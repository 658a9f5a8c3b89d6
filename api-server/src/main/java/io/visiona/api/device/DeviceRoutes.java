package io.visiona.api.device;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.visiona.api.http.ApiRoutes;
import io.visiona.api.http.BoxRoutes;
import io.visiona.api.http.JsonBodies;
import io.visiona.api.http.JsonResponses;
import io.visiona.api.pairing.BoxInfo;
import io.visiona.api.pairing.PairingException;
import io.visiona.api.persistence.AuditLog;
import io.visiona.api.presence.PresenceRepository;
import io.visiona.api.presence.TunnelCloser;
import io.visiona.api.session.ActiveSession;
import io.visiona.server.errors.ApiError;
import io.visiona.server.errors.ErrorCode;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A person's devices ({@code /api/devices}, session required, every query scoped to the caller) and
 * a box's own credential rotation ({@code POST /v1/device/credential/rotate}). Deleting a device,
 * revoking a credential and rotating one end the device's live tunnel at once.
 */
public final class DeviceRoutes {

  private final DeviceRepository devices;
  private final CredentialRepository credentials;
  private final DeviceCredentials verifier;
  private final PresenceRepository presence;
  private final TunnelCloser tunnels;
  private final AuditLog audit;
  private final URI tunnelUrl;
  private final Function<ServerRequest, String> clientAddress;
  private final Clock clock;

  public DeviceRoutes(
      DeviceRepository devices,
      CredentialRepository credentials,
      DeviceCredentials verifier,
      PresenceRepository presence,
      TunnelCloser tunnels,
      AuditLog audit,
      URI tunnelUrl,
      Function<ServerRequest, String> clientAddress,
      Clock clock) {
    this.devices = devices;
    this.credentials = credentials;
    this.verifier = verifier;
    this.presence = presence;
    this.tunnels = tunnels;
    this.audit = audit;
    this.tunnelUrl = tunnelUrl;
    this.clientAddress = clientAddress;
    this.clock = clock;
  }

  public void register(ApiRoutes api, BoxRoutes box) {
    api.sessionRoute(Method.GET, "/api/devices", this::list)
        .sessionRoute(Method.GET, "/api/devices/{id}", this::one)
        .sessionRoute(Method.PATCH, "/api/devices/{id}", this::rename)
        .sessionRoute(Method.DELETE, "/api/devices/{id}", this::delete)
        .sessionRoute(Method.GET, "/api/devices/{id}/credentials", this::listCredentials)
        .sessionRoute(Method.DELETE, "/api/devices/{id}/credentials/{cid}", this::revoke);
    box.route(Method.POST, "/v1/device/credential/rotate", this::rotate);
  }

  private void list(ActiveSession session, ServerRequest req, ServerResponse res) {
    // Presence from the tables the proxy replicas keep current (ADR 0028): one query per listing.
    Map<String, PresenceRepository.Live> online =
        presence.liveForOwner(session.user().id(), clock.millis());
    JsonArrayBuilder list = Json.createArrayBuilder();
    for (Device d : devices.listForOwner(session.user().id())) {
      list.add(describe(d, online));
    }
    JsonResponses.send(res, Status.OK_200, Json.createObjectBuilder().add("devices", list).build());
  }

  private void one(ActiveSession session, ServerRequest req, ServerResponse res) {
    Device d = owned(session, req);
    Map<String, PresenceRepository.Live> online =
        presence.live(d.id(), clock.millis()).map(l -> Map.of(d.id(), l)).orElse(Map.of());
    JsonResponses.send(res, Status.OK_200, describe(d, online).build());
  }

  private void rename(ActiveSession session, ServerRequest req, ServerResponse res) {
    String name =
        JsonBodies.string(JsonBodies.object(req), "name")
            .orElseThrow(() -> new ApiError(ErrorCode.BAD_REQUEST, "name is required"));
    String checked;
    try {
      checked = new BoxInfo(name, null, null, null).name();
    } catch (PairingException e) {
      throw new ApiError(ErrorCode.BAD_REQUEST, e.getMessage());
    }
    String id = id(req);
    if (!devices.rename(session.user().id(), id, checked)) {
      throw notFound();
    }
    audit.record(session.user().id(), "device.renamed", "device " + id, clientAddress.apply(req));
    one(session, req, res);
  }

  private void delete(ActiveSession session, ServerRequest req, ServerResponse res) {
    String id = id(req);
    // Where its tunnel is, read before the presence row goes with the device.
    List<URI> where = tunnels.whereIs(id);
    if (!devices.delete(session.user().id(), id)) {
      throw notFound();
    }
    audit.record(session.user().id(), "device.deleted", "device " + id, clientAddress.apply(req));
    tunnels.close(where, id);
    res.status(Status.NO_CONTENT_204).send();
  }

  private void listCredentials(ActiveSession session, ServerRequest req, ServerResponse res) {
    Device d = owned(session, req);
    long now = clock.millis();
    JsonArrayBuilder list = Json.createArrayBuilder();
    for (CredentialRepository.StoredCredential c :
        credentials.listForDevice(session.user().id(), d.id())) {
      JsonObjectBuilder b =
          Json.createObjectBuilder()
              .add("id", c.id())
              .add("created_at", c.createdAt())
              .add("expires_at", c.expiresAt())
              .add("valid", c.validAt(now));
      if (c.revokedAt() != null) {
        b.add("revoked_at", c.revokedAt());
      }
      list.add(b);
    }
    JsonResponses.send(
        res, Status.OK_200, Json.createObjectBuilder().add("credentials", list).build());
  }

  private void revoke(ActiveSession session, ServerRequest req, ServerResponse res) {
    String id = id(req);
    String cid = req.path().pathParameters().get("cid");
    if (!credentials.revoke(session.user().id(), id, cid, clock.millis())) {
      throw new ApiError(ErrorCode.CREDENTIAL_NOT_FOUND, "no such credential");
    }
    audit.record(
        session.user().id(),
        "credential.revoked",
        "device " + id + ", credential " + cid,
        clientAddress.apply(req));
    tunnels.end(id);
    res.status(Status.NO_CONTENT_204).send();
  }

  private void rotate(ServerRequest req, ServerResponse res) {
    String presented =
        req.headers()
            .first(HeaderNames.AUTHORIZATION)
            .filter(a -> a.regionMatches(true, 0, "Bearer ", 0, 7))
            .map(a -> a.substring(7).trim())
            .orElse("");
    Optional<DeviceCredentials.Issued> next = verifier.rotate(presented);
    if (next.isEmpty()) {
      res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer");
      throw new ApiError(ErrorCode.UNAUTHORIZED, "unknown, expired or revoked credential");
    }
    DeviceCredentials.Issued issued = next.get();
    audit.record(
        issued.ownerId(),
        "credential.rotated",
        "device " + issued.deviceId() + ", new credential " + issued.token().id(),
        clientAddress.apply(req));
    // The tunnel opened with the previous credential ends; the box reconnects with the new one.
    tunnels.end(issued.deviceId());
    JsonResponses.send(
        res,
        Status.OK_200,
        Json.createObjectBuilder()
            .add("device_id", issued.deviceId())
            .add("credential", issued.token().text())
            .add("tunnel_url", tunnelUrl.toString())
            .add("expires_at", issued.expiresAt())
            .build());
  }

  private Device owned(ActiveSession session, ServerRequest req) {
    return devices.find(session.user().id(), id(req)).orElseThrow(DeviceRoutes::notFound);
  }

  private static String id(ServerRequest req) {
    return req.path().pathParameters().get("id");
  }

  private static ApiError notFound() {
    return new ApiError(ErrorCode.DEVICE_NOT_FOUND, "no such device");
  }

  private static JsonObjectBuilder describe(Device d, Map<String, PresenceRepository.Live> online) {
    JsonObjectBuilder b =
        Json.createObjectBuilder()
            .add("id", d.id())
            .add("name", d.name())
            .add("created_at", d.createdAt());
    if (d.model() != null) {
      b.add("model", d.model());
    }
    if (d.serial() != null) {
      b.add("serial", d.serial());
    }
    if (d.agentVersion() != null) {
      b.add("agent_version", d.agentVersion());
    }
    PresenceRepository.Live live = online.get(d.id());
    if (live != null) {
      b.add("presence", "online");
      b.add("online_since", Instant.ofEpochMilli(live.connectedAt()).toString());
    } else {
      b.add("presence", "offline");
    }
    return b;
  }
}
