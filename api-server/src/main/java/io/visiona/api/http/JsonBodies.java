package io.visiona.api.http;

import io.helidon.webserver.http.ServerRequest;
import io.visiona.server.errors.ApiError;
import io.visiona.server.errors.ErrorCode;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** Request bodies that must be one JSON object; anything else is a 400 with a reason. */
public final class JsonBodies {

  /** The API's documents are small: a name, a code, a credential. */
  public static final int MAX_BYTES = 16 * 1024;

  private JsonBodies() {}

  /** The body's object; an empty body is an empty object. */
  public static JsonObject object(ServerRequest req) {
    if (!req.content().hasEntity()) {
      return JsonValue.EMPTY_JSON_OBJECT;
    }
    byte[] body;
    try (InputStream in = req.content().inputStream()) {
      body = in.readNBytes(MAX_BYTES + 1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (body.length > MAX_BYTES) {
      throw new ApiError(ErrorCode.BODY_TOO_LARGE, "body over " + MAX_BYTES + " bytes");
    }
    if (body.length == 0) {
      return JsonValue.EMPTY_JSON_OBJECT;
    }
    try {
      return Json.createReader(new StringReader(new String(body, StandardCharsets.UTF_8)))
          .readObject();
    } catch (JsonException | IllegalStateException e) {
      throw new ApiError(ErrorCode.BAD_JSON, "the body must be a JSON object");
    }
  }

  /** A string member, if present; a member of another type is a 400. */
  public static Optional<String> string(JsonObject o, String name) {
    JsonValue v = o.get(name);
    if (v == null || v == JsonValue.NULL) {
      return Optional.empty();
    }
    if (v instanceof JsonString s) {
      return Optional.of(s.getString());
    }
    throw new ApiError(ErrorCode.BAD_REQUEST, name + " must be a string");
  }
}
