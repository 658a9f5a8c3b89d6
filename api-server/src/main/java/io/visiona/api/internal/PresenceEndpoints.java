package io.visiona.api.internal;

import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.visiona.api.http.JsonResponses;
import io.visiona.api.presence.PresenceEvent;
import io.visiona.api.presence.PresenceRepository;
import io.visiona.api.presence.PresenceService;
import io.visiona.api.presence.StaleBootException;
import io.visiona.server.errors.ApiError;
import io.visiona.server.errors.ErrorCode;
import io.visiona.server.errors.ErrorEnvelope;
import io.visiona.server.signing.VerifiedRequest;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Presence as remote-proxy replicas report it (signed, proxy→api direction; ADR 0028): {@code POST
 * /internal/presence/heartbeat} and {@code POST /internal/presence/events}. Every malformed body
 * gets 400 with the reason; events of a boot that is not the replica's current one 409 {@code
 * STALE_BOOT}.
 */
public final class PresenceEndpoints implements HttpService {

  /** Largest body: 1000 events fit many times over. */
  public static final int MAX_BODY = 4 << 20;

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final Pattern DEVICE = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final int MAX_URL = 512;

  private final PresenceService presence;

  public PresenceEndpoints(PresenceService presence) {
    this.presence = presence;
  }

  @Override
  public void routing(HttpRules rules) {
    rules
        .post("/presence/heartbeat", (req, res) -> handle(req, res, this::heartbeat))
        .post("/presence/events", (req, res) -> handle(req, res, this::events));
  }

  private interface Handler {
    void handle(JsonObject body, ServerResponse res) throws StaleBootException;
  }

  private static void handle(ServerRequest req, ServerResponse res, Handler handler) {
    VerifiedRequest signed = VerifiedRequest.of(req);
    if (req.headers().contentLength().orElse(0) > MAX_BODY) {
      ErrorEnvelope.send(res, ErrorCode.BODY_TOO_LARGE, "body over " + MAX_BODY + " bytes");
      return;
    }
    try {
      JsonObject body;
      try {
        body = Json.createReader(new StringReader(signed.bodyAsString())).readObject();
      } catch (JsonException | IllegalStateException e) {
        throw ApiError.badRequest("body is not a JSON object");
      }
      handler.handle(body, res);
    } catch (ApiError e) {
      ErrorEnvelope.send(res, e);
    } catch (StaleBootException e) {
      ErrorEnvelope.send(res, ErrorCode.STALE_BOOT, e.getMessage());
    }
  }

  private void heartbeat(JsonObject body, ServerResponse res) {
    String replica = name(body, "replica");
    String boot = name(body, "boot");
    URI url = internalUrl(body);
    long tunnels = number(body, "tunnels");
    if (tunnels > Integer.MAX_VALUE) {
      throw ApiError.badRequest("tunnels is out of range");
    }
    long lease = presence.heartbeat(replica, boot, url, (int) tunnels);
    JsonResponses.send(
        res, Status.OK_200, Json.createObjectBuilder().add("lease_ms", lease).build());
  }

  private void events(JsonObject body, ServerResponse res) throws StaleBootException {
    String replica = name(body, "replica");
    String boot = name(body, "boot");
    if (!(body.get("events") instanceof JsonArray array)) {
      throw ApiError.badRequest("events must be an array");
    }
    if (array.size() > PresenceService.MAX_EVENTS) {
      throw ApiError.badRequest(
          "at most " + PresenceService.MAX_EVENTS + " events per call, got " + array.size());
    }
    List<PresenceEvent> events = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      events.add(event(array.get(i), i));
    }
    JsonArrayBuilder close = Json.createArrayBuilder();
    for (PresenceRepository.Closing c : presence.events(replica, boot, events)) {
      close.add(
          Json.createObjectBuilder()
              .add("device", c.deviceId())
              .add("connection", c.connectionId()));
    }
    JsonResponses.send(res, Status.OK_200, Json.createObjectBuilder().add("close", close).build());
  }

  private static PresenceEvent event(JsonValue v, int index) {
    if (!(v instanceof JsonObject o)) {
      throw ApiError.badRequest("events[" + index + "] is not an object");
    }
    String where = "events[" + index + "].";
    PresenceEvent.Type type =
        switch (o.get("type") instanceof JsonString s ? s.getString() : "") {
          case "connect" -> PresenceEvent.Type.CONNECT;
          case "disconnect" -> PresenceEvent.Type.DISCONNECT;
          default -> throw ApiError.badRequest(where + "type must be connect or disconnect");
        };
    String device = matching(o, "device", DEVICE, where);
    String connection = matching(o, "connection", NAME, where);
    long at =
        type == PresenceEvent.Type.CONNECT || o.containsKey("at") ? number(o, "at", where) : 0;
    return new PresenceEvent(type, device, connection, at);
  }

  private static String name(JsonObject o, String field) {
    return matching(o, field, NAME, "");
  }

  private static String matching(JsonObject o, String field, Pattern p, String where) {
    if (o.get(field) instanceof JsonString s && p.matcher(s.getString()).matches()) {
      return s.getString();
    }
    throw ApiError.badRequest(where + field + " must be 1-64 characters of A-Z a-z 0-9 . _ -");
  }

  private static long number(JsonObject o, String field) {
    return number(o, field, "");
  }

  private static long number(JsonObject o, String field, String where) {
    if (o.get(field) instanceof JsonNumber n && n.isIntegral() && n.longValue() >= 0) {
      try {
        return n.longValueExact();
      } catch (ArithmeticException e) {
        // falls through to the error below
      }
    }
    throw ApiError.badRequest(where + field + " must be a non-negative integer");
  }

  private static URI internalUrl(JsonObject o) {
    if (o.get("internal_url") instanceof JsonString s && s.getString().length() <= MAX_URL) {
      try {
        URI u = new URI(s.getString());
        if (("http".equals(u.getScheme()) || "https".equals(u.getScheme()))
            && u.getHost() != null
            && u.getRawQuery() == null
            && u.getRawFragment() == null
            && u.getRawUserInfo() == null) {
          return u;
        }
      } catch (URISyntaxException e) {
        // falls through to the error below
      }
    }
    throw ApiError.badRequest(
        "internal_url must be an http(s) URL with a host, no query, at most " + MAX_URL + " chars");
  }
}
