package io.visiona.proxy.auth;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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

  private final HttpClient client;
  private final URI verifyUri;
  private final OutboundSigner signer;
  private final Duration timeout;

  public ApiServerAuthenticator(
      HttpClient client, URI apiServerInternal, OutboundSigner signer, Duration timeout) {
    this.client = client;
    this.verifyUri = apiServerInternal.resolve(PATH);
    this.signer = signer;
    this.timeout = timeout;
  }

  @Override
  public Optional<AgentIdentity> authenticate(String credential) throws AuthUnavailableException {
    byte[] body =
        Json.createObjectBuilder()
            .add("credential", credential)
            .build()
            .toString()
            .getBytes(StandardCharsets.UTF_8);
    HttpResponse<InputStream> response;
    try {
      response =
          client.send(
              signer
                  .request("POST", verifyUri, body)
                  .header("Content-Type", "application/json")
                  .timeout(timeout)
                  .build(),
              HttpResponse.BodyHandlers.ofInputStream());
    } catch (HttpTimeoutException e) {
      throw new AuthUnavailableException("api-server did not answer within " + timeout, e);
    } catch (IOException | IllegalStateException e) {
      throw new AuthUnavailableException("api-server verify failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AuthUnavailableException("interrupted", e);
    }
    try (InputStream in = response.body()) {
      byte[] answer = in.readNBytes(MAX_RESPONSE_BYTES + 1);
      return switch (response.statusCode()) {
        case 200 -> Optional.of(parse(answer));
        case 401, 403, 404 -> Optional.empty();
        default ->
            throw new AuthUnavailableException(
                "api-server verify answered " + response.statusCode(), null);
      };
    } catch (IOException e) {
      throw new AuthUnavailableException("api-server verify response failed: " + e, e);
    }
  }

  private static String text(JsonObject o, String name) {
    return switch (o.get(name)) {
      case JsonString s -> s.getString();
      case JsonNumber n -> n.toString();
      case null, default -> null;
    };
  }

  private static AgentIdentity parse(byte[] answer) throws AuthUnavailableException {
    if (answer.length > MAX_RESPONSE_BYTES) {
      throw new AuthUnavailableException("api-server verify response too large", null);
    }
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
