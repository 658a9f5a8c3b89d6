package io.visiona.proxy.forward;

import io.visiona.proxy.tunnel.DeviceIds;
import io.visiona.server.errors.ApiError;
import io.visiona.server.http1.HttpHeader;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The body of {@code POST /internal/forward/http}:
 *
 * <pre>
 * {"device_id":"...", "method":"GET", "path":"/api/status?x=1",
 *  "headers":{"Accept":"application/json", "X-Many":["a","b"]}, "body":"&lt;base64&gt;"}
 * </pre>
 *
 * {@code headers} and {@code body} are optional. Everything is checked here; bad input is a 400.
 */
public record ForwardRequest(
    String deviceId, String method, String path, List<HttpHeader> headers, Body body) {

  static final int MAX_HEADERS = 100;
  static final int MAX_PATH = 8192;

  /** Most bytes of the JSON document besides the body string (names, path, headers). */
  static final int MAX_REST = 256 * 1024;

  private static final Pattern METHOD = Pattern.compile("[A-Z]{1,16}");

  /** A source of the JSON document; each call starts again from its first byte. */
  @FunctionalInterface
  public interface Json {
    InputStream open() throws IOException;
  }

  /** The decoded request body: its length, and its bytes decoded on the fly from the JSON. */
  public record Body(long length, Json decoded) {
    static final Body EMPTY = new Body(0, () -> InputStream.nullInputStream());
  }

  /**
   * Parses the request. The base64 body is not decoded here, only checked and measured: it is
   * decoded later from the JSON bytes straight into the tunnel, so the proxy holds it once.
   */
  public static ForwardRequest parse(Json json, int maxBody) {
    JsonBodyField.Split split;
    JsonObject o;
    try {
      split = JsonBodyField.split(json.open(), MAX_REST);
      o = jakarta.json.Json.createReader(new ByteArrayInputStream(split.rest())).readObject();
    } catch (JsonException | IllegalStateException | IOException e) {
      throw ApiError.badRequest("request body must be a JSON object");
    }
    String device = string(o, "device_id", true);
    if (!DeviceIds.valid(device)) {
      throw ApiError.badRequest("device_id must be 1-128 characters of A-Z a-z 0-9 . _ : @ -");
    }
    String method = string(o, "method", true);
    if (!METHOD.matcher(method).matches()) {
      throw ApiError.badRequest("method must be an upper-case HTTP method");
    }
    String path = string(o, "path", true);
    if (!validPath(path)) {
      throw ApiError.badRequest("path must start with / and hold no spaces or control characters");
    }
    List<HttpHeader> headers = headers(o.get("headers"));
    String inline = string(o, "body", false); // "" where the body string was taken out
    Body body;
    if (split.present()) {
      body = new Body(split.decodedLength(), () -> decoded(json, split));
    } else if (inline == null || inline.isEmpty()) {
      body = Body.EMPTY;
    } else {
      body = small(inline);
    }
    if (body.length() > maxBody) {
      throw ApiError.tooLarge("body larger than " + maxBody + " bytes");
    }
    return new ForwardRequest(device, method, path, headers, body);
  }

  private static InputStream decoded(Json json, JsonBodyField.Split split) throws IOException {
    return Base64.getDecoder()
        .wrap(new JsonStringBytes(json.open(), split.start(), split.rawLength()));
  }

  /** A body the scanner did not take out (a name written with escapes): small, decoded here. */
  private static Body small(String b64) {
    try {
      byte[] bytes = Base64.getDecoder().decode(b64);
      return new Body(bytes.length, () -> new ByteArrayInputStream(bytes));
    } catch (IllegalArgumentException e) {
      throw ApiError.badRequest("body must be base64");
    }
  }

  private static String string(JsonObject o, String name, boolean required) {
    JsonValue v = o.get(name);
    if (v == null || v == JsonValue.NULL) {
      if (required) {
        throw ApiError.badRequest(name + " is required");
      }
      return null;
    }
    if (!(v instanceof JsonString s)) {
      throw ApiError.badRequest(name + " must be a string");
    }
    return s.getString();
  }

  private static boolean validPath(String path) {
    if (path.isEmpty() || path.length() > MAX_PATH || path.charAt(0) != '/') {
      return false;
    }
    return path.chars().allMatch(c -> c > 0x20 && c < 0x7f);
  }

  private static List<HttpHeader> headers(JsonValue v) {
    List<HttpHeader> out = new ArrayList<>();
    if (v == null || v == JsonValue.NULL) {
      return out;
    }
    if (!(v instanceof JsonObject o)) {
      throw ApiError.badRequest("headers must be an object of name to string or string array");
    }
    for (Map.Entry<String, JsonValue> e : o.entrySet()) {
      String name = e.getKey();
      if (!HttpHeader.validName(name)) {
        throw ApiError.badRequest("invalid header name");
      }
      List<String> values = new ArrayList<>();
      if (e.getValue() instanceof JsonString s) {
        values.add(s.getString());
      } else if (e.getValue() instanceof JsonArray a) {
        for (JsonValue item : a) {
          if (!(item instanceof JsonString s)) {
            throw ApiError.badRequest("header values must be strings");
          }
          values.add(s.getString());
        }
      } else {
        throw ApiError.badRequest("header values must be strings");
      }
      for (String value : values) {
        if (!HttpHeader.validValue(value)) {
          throw ApiError.badRequest("header " + name + " holds a forbidden character");
        }
        if (!HttpHeader.hopByHop(name)) {
          out.add(new HttpHeader(name, value));
        }
      }
      if (out.size() > MAX_HEADERS) {
        throw ApiError.badRequest("more than " + MAX_HEADERS + " headers");
      }
    }
    return out;
  }
}
