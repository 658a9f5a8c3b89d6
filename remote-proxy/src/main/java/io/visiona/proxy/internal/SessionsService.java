package io.visiona.proxy.internal;

import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.visiona.proxy.auth.AgentAuthenticator;
import io.visiona.proxy.tunnel.AgentTunnel;
import io.visiona.proxy.tunnel.DeviceIds;
import io.visiona.proxy.tunnel.TunnelRegistry;
import io.visiona.server.errors.ApiError;
import io.visiona.tunnel.SessionStats;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code GET /internal/sessions}, {@code GET /internal/session/{device}} and {@code POST
 * /internal/session/{device}/close}: without a query, revocation (the tunnel is closed and any
 * cached credential answer for the device is forgotten); with {@code ?connection=<id>}, a fence
 * from presence (only that connection is closed, so a late fence never closes a newer tunnel).
 */
public final class SessionsService implements HttpService {

  private static final Pattern CONNECTION_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private final TunnelRegistry registry;
  private final AgentAuthenticator authenticator;

  public SessionsService(TunnelRegistry registry, AgentAuthenticator authenticator) {
    this.registry = registry;
    this.authenticator = authenticator;
  }

  @Override
  public void routing(HttpRules rules) {
    rules
        .get("/sessions", this::list)
        .get("/session/{device}", this::one)
        .post("/session/{device}/close", this::close);
  }

  private void list(ServerRequest req, ServerResponse res) {
    List<AgentTunnel> all = registry.list();
    JsonArrayBuilder sessions = Json.createArrayBuilder();
    all.forEach(t -> sessions.add(describe(t)));
    send(
        res, Json.createObjectBuilder().add("sessions", sessions).add("total", all.size()).build());
  }

  private void one(ServerRequest req, ServerResponse res) {
    String device = device(req);
    send(
        res,
        registry
            .find(device)
            .map(SessionsService::describe)
            .orElseGet(
                () ->
                    Json.createObjectBuilder()
                        .add("device_id", device)
                        .add("connected", false)
                        .build()));
  }

  private void close(ServerRequest req, ServerResponse res) {
    String device = device(req);
    Optional<String> connection = req.query().first("connection").asOptional();
    boolean closed;
    if (connection.isPresent()) {
      if (!CONNECTION_ID.matcher(connection.get()).matches()) {
        throw ApiError.badRequest("connection must be 1-64 characters of A-Z a-z 0-9 . _ -");
      }
      closed = registry.close(device, connection.get());
    } else {
      authenticator.forgetDevice(device);
      closed = registry.close(device);
    }
    send(res, Json.createObjectBuilder().add("device_id", device).add("closed", closed).build());
  }

  static String device(ServerRequest req) {
    String device = req.path().pathParameters().get("device");
    if (!DeviceIds.valid(device)) {
      throw ApiError.badRequest("device id must be 1-128 characters of A-Z a-z 0-9 . _ : @ -");
    }
    return device;
  }

  static JsonObject describe(AgentTunnel t) {
    SessionStats s = t.stats();
    JsonObjectBuilder b =
        Json.createObjectBuilder()
            .add("device_id", t.deviceId())
            .add("owner_id", t.identity().ownerId())
            .add("connection", t.connectionId())
            .add("connected", !t.session().isClosed())
            .add("connected_at", t.connectedAt().toString())
            .add("last_heartbeat", t.lastHeartbeat().toString())
            .add("remote_addr", t.remoteAddress())
            .add("open_streams", s.openStreams())
            .add("bytes_in", s.bytesIn())
            .add("bytes_out", s.bytesOut());
    return b.build();
  }

  static void send(ServerResponse res, JsonObject body) {
    res.status(Status.OK_200);
    res.header(HeaderValues.CONTENT_TYPE_JSON);
    res.send(body.toString().getBytes(StandardCharsets.UTF_8));
  }
}
