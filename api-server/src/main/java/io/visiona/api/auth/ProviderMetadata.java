package io.visiona.api.auth;

import io.visiona.server.errors.ApiError;
import io.visiona.server.errors.ErrorCode;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.net.URI;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/** The parts of an OpenID Provider's discovery document this server uses, checked. */
public record ProviderMetadata(
    String issuer,
    URI authorizationEndpoint,
    URI tokenEndpoint,
    URI jwksUri,
    Optional<URI> endSessionEndpoint,
    Set<String> idTokenAlgs,
    boolean issParameterSupported) {

  /**
   * Parses and checks a discovery document: the issuer must equal {@code expectedIssuer} exactly
   * (OIDC Discovery §4.3), the endpoints must be absolute and, for an https issuer, https too, and
   * PKCE S256 must not be excluded.
   */
  public static ProviderMetadata parse(JsonObject doc, String expectedIssuer) {
    String issuer = string(doc, "issuer").orElse("");
    if (!issuer.equals(expectedIssuer)) {
      throw bad("issuer in the discovery document does not equal the configured issuer");
    }
    boolean https = expectedIssuer.startsWith("https://");
    Set<String> challengeMethods = strings(doc, "code_challenge_methods_supported");
    if (doc.containsKey("code_challenge_methods_supported") && !challengeMethods.contains("S256")) {
      throw bad("the provider does not support PKCE S256");
    }
    return new ProviderMetadata(
        issuer,
        endpoint(doc, "authorization_endpoint", https).orElseThrow(() -> missing("authorization")),
        endpoint(doc, "token_endpoint", https).orElseThrow(() -> missing("token")),
        endpoint(doc, "jwks_uri", https).orElseThrow(() -> missing("jwks_uri")),
        endpoint(doc, "end_session_endpoint", https),
        strings(doc, "id_token_signing_alg_values_supported"),
        doc.getBoolean("authorization_response_iss_parameter_supported", false));
  }

  private static Optional<URI> endpoint(JsonObject doc, String name, boolean https) {
    Optional<String> value = string(doc, name);
    if (value.isEmpty()) {
      return Optional.empty();
    }
    URI uri;
    try {
      uri = URI.create(value.get());
    } catch (IllegalArgumentException e) {
      throw bad(name + " is not a URI");
    }
    if (!uri.isAbsolute()
        || uri.getHost() == null
        || !(uri.getScheme().equals("https") || (!https && uri.getScheme().equals("http")))) {
      throw bad(name + " must be an absolute " + (https ? "https" : "http(s)") + " URI");
    }
    return Optional.of(uri);
  }

  private static Optional<String> string(JsonObject doc, String name) {
    JsonValue v = doc.get(name);
    return v instanceof JsonString s ? Optional.of(s.getString()) : Optional.empty();
  }

  private static Set<String> strings(JsonObject doc, String name) {
    Set<String> out = new LinkedHashSet<>();
    if (doc.get(name) instanceof JsonArray a) {
      for (JsonValue v : a) {
        if (v instanceof JsonString s) {
          out.add(s.getString());
        }
      }
    }
    return out;
  }

  private static ApiError missing(String what) {
    return bad("the discovery document has no " + what + " endpoint");
  }

  private static ApiError bad(String detail) {
    return new ApiError(
        ErrorCode.IDP_MISCONFIGURED, "the identity provider's metadata is not usable: " + detail);
  }
}
