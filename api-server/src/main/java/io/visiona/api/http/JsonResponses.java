package io.visiona.api.http;

import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonStructure;

/**
 * Writes JSON bodies and the error envelope. Sets its own {@code Cache-Control} and {@code
 * X-Content-Type-Options}: Helidon resets the headers before an error handler runs, so those set by
 * {@link ApiResponseHeaders} are gone by then.
 */
public final class JsonResponses {

  private JsonResponses() {}

  public static void send(ServerResponse res, Status status, JsonStructure body) {
    res.status(status);
    res.header(HeaderValues.CONTENT_TYPE_JSON);
    res.header(HeaderNames.CACHE_CONTROL, "no-store");
    res.header(ApiResponseHeaders.X_CONTENT_TYPE_OPTIONS, "nosniff");
    res.send(body.toString());
  }

  public static JsonObject error(String code, String message) {
    return Json.createObjectBuilder()
        .add(
            "error",
            Json.createObjectBuilder()
                .add("code", code)
                .add("message", message == null ? "" : message))
        .build();
  }

  public static void sendError(ServerResponse res, ApiException e) {
    send(res, e.status(), error(e.code(), e.getMessage()));
  }
}
