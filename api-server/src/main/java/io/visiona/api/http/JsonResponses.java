package io.visiona.api.http;

import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import jakarta.json.JsonStructure;

/**
 * Writes JSON bodies (errors: server-support's {@code ErrorEnvelope}, which sets the same headers).
 * Sets its own {@code Cache-Control} and {@code X-Content-Type-Options}: Helidon resets the headers
 * before an error handler runs, so those set by {@link ApiResponseHeaders} are gone by then.
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
}
