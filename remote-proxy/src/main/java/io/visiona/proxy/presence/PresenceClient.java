package io.visiona.proxy.presence;

import io.visiona.proxy.auth.ApiServerClient;
import io.visiona.proxy.presence.PresenceCallException.Kind;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The api-server's presence endpoints, over the same signed client as the agent verify call: {@code
 * POST /internal/presence/heartbeat} and {@code POST /internal/presence/events}.
 */
final class PresenceClient {

  static final String HEARTBEAT = "/internal/presence/heartbeat";
  static final String EVENTS = "/internal/presence/events";

  /** A connection of this replica the api-server says lost to a newer one. */
  record Close(String device, String connection) {}

  // A close list of 1000 entries fits many times over.
  private static final int MAX_ANSWER_BYTES = 1 << 20;

  private final ApiServerClient api;

  PresenceClient(ApiServerClient api) {
    this.api = api;
  }

  /** Registers or renews the replica; the api-server's lease in milliseconds. */
  long heartbeat(ReplicaSettings replica, String boot, int tunnels) throws PresenceCallException {
    JsonObject body =
        Json.createObjectBuilder()
            .add("replica", replica.id())
            .add("boot", boot)
            .add("internal_url", replica.internalUrl().toString())
            .add("tunnels", tunnels)
            .build();
    JsonObject answer = call(HEARTBEAT, body);
    return answer.containsKey("lease_ms") ? answer.getJsonNumber("lease_ms").longValue() : -1;
  }

  /** Sends events in order; the connections the proxy must close. */
  List<Close> events(String replica, String boot, List<PresenceEvent> events)
      throws PresenceCallException {
    JsonArrayBuilder list = Json.createArrayBuilder();
    events.forEach(e -> list.add(e.toJson()));
    JsonObject body =
        Json.createObjectBuilder()
            .add("replica", replica)
            .add("boot", boot)
            .add("events", list)
            .build();
    JsonObject answer = call(EVENTS, body);
    List<Close> closes = new ArrayList<>();
    try {
      List<JsonValue> entries =
          answer.containsKey("close") ? answer.getJsonArray("close") : List.of();
      for (JsonValue v : entries) {
        JsonObject c = v.asJsonObject();
        closes.add(new Close(c.getString("device"), c.getString("connection")));
      }
    } catch (ClassCastException | NullPointerException e) {
      throw new PresenceCallException(
          "events answer has a malformed close list", Kind.UNAVAILABLE, e);
    }
    return closes;
  }

  private JsonObject call(String path, JsonObject body) throws PresenceCallException {
    ApiServerClient.Answer answer;
    try {
      answer =
          api.postJson(path, body.toString().getBytes(StandardCharsets.UTF_8), MAX_ANSWER_BYTES);
    } catch (IOException e) {
      // toString: a refused connection has no message, only its class says what happened.
      throw new PresenceCallException(path + " failed: " + e, Kind.UNAVAILABLE, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PresenceCallException(path + " interrupted", Kind.UNAVAILABLE, e);
    }
    if (answer.status() != 200) {
      String code = errorCode(answer.body());
      Kind kind =
          answer.status() == 409 && "STALE_BOOT".equals(code)
              ? Kind.STALE_BOOT
              : answer.status() == 400 ? Kind.REJECTED : Kind.UNAVAILABLE;
      throw new PresenceCallException(
          path + " answered " + answer.status() + " " + code, kind, null);
    }
    try {
      return Json.createReader(new ByteArrayInputStream(answer.body())).readObject();
    } catch (JsonException e) {
      throw new PresenceCallException(path + " answer is not a JSON object", Kind.UNAVAILABLE, e);
    }
  }

  /** The error envelope's code, or "" when the body is not one. */
  private static String errorCode(byte[] body) {
    try {
      return Json.createReader(new ByteArrayInputStream(body))
          .readObject()
          .getJsonObject("error")
          .getString("code", "");
    } catch (JsonException | ClassCastException | NullPointerException e) {
      return "";
    }
  }
}
