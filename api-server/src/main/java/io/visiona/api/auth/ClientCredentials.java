package io.visiona.api.auth;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * A client's id and, for a confidential client, its secret and authentication method. A public
 * client (empty secret) sends {@code client_id} in the form and no client authentication.
 */
public record ClientCredentials(String clientId, String clientSecret, ClientAuth method) {

  public boolean confidential() {
    return clientSecret != null && !clientSecret.isBlank();
  }

  /**
   * Adds the client's parameters to a token request form and returns the {@code Authorization}
   * header value to send, if any.
   */
  public Optional<String> apply(Map<String, String> form) {
    if (!confidential()) {
      form.put("client_id", clientId);
      return Optional.empty();
    }
    if (method == ClientAuth.CLIENT_SECRET_POST) {
      form.put("client_id", clientId);
      form.put("client_secret", clientSecret);
      return Optional.empty();
    }
    String pair = urlEncode(clientId) + ":" + urlEncode(clientSecret);
    return Optional.of(
        "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
  }

  private static String urlEncode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "ClientCredentials[clientId="
        + clientId
        + ", confidential="
        + confidential()
        + ", method="
        + method
        + "]";
  }
}
