package io.visiona.api.http;

import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import jakarta.json.JsonStructure;

/** Writes JSON bodies; errors go through server-support's {@code ErrorEnvelope}. */
public final class JsonResponses {

  private JsonResponses() {}

  public static void send(ServerResponse res, Status status, JsonStructure body) {
    res.status(status);
    res.header(HeaderValues.CONTENT_TYPE_JSON);
    res.header(HeaderNames.CACHE_CONTROL, "no-store");
    res.send(body.toString());
  }
}
