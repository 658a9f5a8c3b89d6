package io.visiona.api.proxy;

import io.visiona.server.signing.SignedHttpRequests;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Signed calls to remote-proxy's internal API: end a device's tunnel at once (revocation, deletion,
 * rotation), list who is connected (one call per device listing) and ask about one device. Every
 * call is bounded by the timeout; a proxy that does not answer is reported as such, never as an
 * exception to the caller.
 */
public final class ProxyClient {

  /** A connected device as the proxy reports it. */
  public record Presence(String deviceId, String connectedAt) {}

  private static final Logger LOG = Logger.getLogger(ProxyClient.class.getName());
  private static final int MAX_LISTING_BYTES = 32 << 20;
  private static final int MAX_ONE_BYTES = 64 << 10;

  private final ProxySettings settings;
  private final Optional<SignedHttpRequests> signed;
  private final HttpClient client;

  public ProxyClient(ProxySettings settings, Optional<SignedHttpRequests> signed) {
    this.settings = settings;
    this.signed = signed;
    this.client = HttpClient.newBuilder().connectTimeout(settings.timeout()).build();
  }

  /** Ends the device's tunnel and makes the proxy forget its cached verification; true if done. */
  public boolean closeSession(String deviceId) {
    String path =
        "/internal/session/" + URLEncoder.encode(deviceId, StandardCharsets.UTF_8) + "/close";
    Optional<byte[]> answer = call("POST", path, MAX_LISTING_BYTES);
    if (answer.isEmpty()) {
      LOG.warning("could not end the tunnel of device " + deviceId + " at remote-proxy");
    }
    return answer.isPresent();
  }

  /** Connected devices by id, or empty when the proxy did not answer. */
  public Optional<Map<String, Presence>> sessions() {
    return call("GET", "/internal/sessions", MAX_LISTING_BYTES).flatMap(ProxyClient::parseSessions);
  }

  /**
   * One device's presence: a map holding that device when it is connected, empty when it is not;
   * empty optional when the proxy did not answer.
   */
  public Optional<Map<String, Presence>> session(String deviceId) {
    String path = "/internal/session/" + URLEncoder.encode(deviceId, StandardCharsets.UTF_8);
    return call("GET", path, MAX_ONE_BYTES).flatMap(ProxyClient::parseOne);
  }

  private Optional<byte[]> call(String method, String path, int maxBytes) {
    if (signed.isEmpty()) {
      return Optional.empty();
    }
    URI uri = settings.internalUrl().resolve(path);
    try {
      HttpResponse<InputStream> res =
          client.send(
              signed.get().request(method, uri, new byte[0]).timeout(settings.timeout()).build(),
              HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream in = res.body()) {
        byte[] body = in.readNBytes(maxBytes + 1);
        if (res.statusCode() != 200 || body.length > maxBytes) {
          LOG.warning("remote-proxy answered " + res.statusCode() + " to " + method + " " + path);
          return Optional.empty();
        }
        return Optional.of(body);
      }
    } catch (IOException e) {
      LOG.fine(() -> "remote-proxy unreachable: " + e);
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  private static Optional<Map<String, Presence>> parseOne(byte[] body) {
    try {
      JsonObject s = Json.createReader(new ByteArrayInputStream(body)).readObject();
      String id = s.getString("device_id");
      return Optional.of(
          s.getBoolean("connected", false)
              ? Map.of(id, new Presence(id, s.getString("connected_at", null)))
              : Map.of());
    } catch (JsonException | ClassCastException | NullPointerException e) {
      LOG.warning("remote-proxy's session answer is not in the expected form: " + e.getMessage());
      return Optional.empty();
    }
  }

  private static Optional<Map<String, Presence>> parseSessions(byte[] body) {
    try {
      JsonObject o = Json.createReader(new ByteArrayInputStream(body)).readObject();
      Map<String, Presence> byDevice = new HashMap<>();
      for (JsonValue v : o.getJsonArray("sessions")) {
        JsonObject s = v.asJsonObject();
        String id = s.getString("device_id");
        byDevice.put(id, new Presence(id, s.getString("connected_at", null)));
      }
      return Optional.of(byDevice);
    } catch (JsonException | ClassCastException | NullPointerException e) {
      LOG.warning("remote-proxy's session list is not in the expected form: " + e.getMessage());
      return Optional.empty();
    }
  }
}
