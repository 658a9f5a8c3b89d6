package io.visiona.proxy.auth;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Asks the api-server: {@code POST /internal/agents/verify} with {@code {"credential":"..."}},
 * signed; 200 {@code {"device_id","owner_id"}} accepts, 401/403/404 refuse, anything else (or no
 * answer within the timeout) is "unavailable". Nothing is contacted before the first agent
 * connects.
 */
public final class ApiServerAuthenticator implements AgentAuthenticator {

  static final String PATH = "/internal/agents/verify";
  private static final int MAX_RESPONSE_BYTES = 16 * 1024;

  private final ApiServerClient api;

  public ApiServerAuthenticator(ApiServerClient api) {
    this.api = api;
  }

  @Override
  public Optional<AgentIdentity> authenticate(String credential) throws AuthUnavailableException {
    byte[] body =
        Json.createObjectBuilder()
            .add("credential", credential)
            .build()
            .toString()
            .getBytes(StandardCharsets.UTF_8);
    ApiServerClient.Answer answer;
    try {
      answer = api.postJson(PATH, body, MAX_RESPONSE_BYTES);
    } catch (HttpTimeoutException e) {
      throw new AuthUnavailableException("api-server did not answer within " + api.timeout(), e);
    } catch (IOException e) {
      throw new AuthUnavailableException("api-server verify failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AuthUnavailableException("interrupted", e);
    }
    return switch (answer.status()) {
      case 200 -> Optional.of(parse(answer.body()));
      case 401, 403, 404 -> Optional.empty();
      default ->
          throw new AuthUnavailableException("api-server verify answered " + answer.status(), null);
    };
  }

  private static String text(JsonObject o, String name) {
    return switch (o.get(name)) {
      case JsonString s -> s.getString();
      case JsonNumber n -> n.toString();
      case null, default -> null;
    };
  }

  private static AgentIdentity parse(byte[] answer) throws AuthUnavailableException {
    try {
      JsonObject o = Json.createReader(new ByteArrayInputStream(answer)).readObject();
      String device = text(o, "device_id");
      String owner = text(o, "owner_id");
      if (device == null || device.isBlank() || owner == null) {
        throw new AuthUnavailableException(
            "api-server verify response lacks device_id/owner_id", null);
      }
      return new AgentIdentity(device, owner);
    } catch (JsonException | ClassCastException e) {
      throw new AuthUnavailableException("api-server verify response is not JSON", e);
    }
  }
}
