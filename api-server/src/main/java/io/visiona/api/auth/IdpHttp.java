package io.visiona.api.auth;

import io.visiona.server.errors.ApiError;
import io.visiona.server.errors.ErrorCode;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Blocking HTTP to the identity provider: JSON GETs (discovery, JWKS) and form POSTs (token
 * endpoint). Every call has a timeout, follows no redirects and reads at most 1 MiB.
 */
public final class IdpHttp {

  static final int MAX_BODY = 1 << 20;

  private final HttpClient client;
  private final Duration timeout;

  public IdpHttp(Duration timeout) {
    this.timeout = timeout;
    this.client =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1) // no h2c upgrade attempts towards the provider
            .build();
  }

  /** A response: status and its JSON object body (empty object when there is none). */
  public record Response(int status, JsonObject body) {
    boolean ok() {
      return status == 200;
    }
  }

  /** GET returning a JSON object; anything but 200 with a JSON object is a 503. */
  public JsonObject getJson(URI uri) {
    Response r =
        exchange(
            HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Accept", "application/json")
                .GET()
                .build(),
            "GET " + uri);
    if (!r.ok()) {
      throw unavailable("GET " + uri + " answered " + r.status());
    }
    return r.body();
  }

  /** POST an {@code application/x-www-form-urlencoded} form. */
  public Response postForm(URI uri, Map<String, String> form, Optional<String> authorization) {
    String body =
        form.entrySet().stream()
            .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
            .collect(Collectors.joining("&"));
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri)
            .timeout(timeout)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    authorization.ifPresent(a -> b.header("Authorization", a));
    return exchange(b.build(), "POST " + uri);
  }

  private Response exchange(HttpRequest request, String what) {
    try {
      HttpResponse<InputStream> res =
          client.send(request, HttpResponse.BodyHandlers.ofInputStream());
      byte[] bytes;
      try (InputStream in = res.body()) {
        bytes = in.readNBytes(MAX_BODY + 1);
      }
      if (bytes.length > MAX_BODY) {
        throw unavailable(what + ": response larger than " + MAX_BODY + " bytes");
      }
      return new Response(res.statusCode(), parse(bytes, res.statusCode(), what));
    } catch (IOException e) {
      throw unavailable(what + " failed: " + e.getClass().getSimpleName());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable(what + " interrupted");
    }
  }

  private static JsonObject parse(byte[] bytes, int status, String what) {
    if (bytes.length == 0) {
      return JsonObject.EMPTY_JSON_OBJECT;
    }
    try (JsonReader reader =
        Json.createReader(new StringReader(new String(bytes, StandardCharsets.UTF_8)))) {
      return reader.readObject();
    } catch (JsonException | ClassCastException | IllegalStateException e) {
      if (status != 200) {
        return JsonObject.EMPTY_JSON_OBJECT;
      }
      throw unavailable(what + ": response is not a JSON object");
    }
  }

  static ApiError unavailable(String detail) {
    return new ApiError(
        ErrorCode.IDP_UNAVAILABLE,
        "the identity provider cannot be reached or answered badly (" + detail + ")");
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
