package io.visiona.api.auth;

import io.visiona.server.errors.ApiError;
import io.visiona.server.errors.ErrorCode;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/** Redeems an authorization code (with its PKCE verifier) for the provider's tokens. */
public final class TokenEndpoint {

  private static final Pattern ERROR_CODE = Pattern.compile("[a-z_]{1,64}");

  private final IdpHttp http;
  private final ClientCredentials client;

  public TokenEndpoint(IdpHttp http, ClientCredentials client) {
    this.http = http;
    this.client = client;
  }

  /** The ID token of a successful redemption. */
  public String redeem(URI tokenEndpoint, String code, String verifier, URI redirectUri) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "authorization_code");
    form.put("code", code);
    form.put("redirect_uri", redirectUri.toString());
    form.put("code_verifier", verifier);
    IdpHttp.Response r = http.postForm(tokenEndpoint, form, client.apply(form));
    if (r.status() >= 400 && r.status() < 500) {
      throw new ApiError(
          ErrorCode.LOGIN_CODE_REJECTED,
          "the identity provider did not accept the login code ("
              + errorCode(r.body())
              + "); start again");
    }
    if (!r.ok()) {
      throw IdpHttp.unavailable("token endpoint answered " + r.status());
    }
    if (!(r.body().get("id_token") instanceof JsonString idToken)) {
      throw new ApiError(ErrorCode.ID_TOKEN_INVALID, "the token response has no ID token");
    }
    return idToken.getString();
  }

  /** The OAuth error code, if it looks like one (never echo free text from the provider). */
  static String errorCode(JsonObject body) {
    String e = body.get("error") instanceof JsonString s ? s.getString() : "";
    return ERROR_CODE.matcher(e).matches() ? e : "unknown_error";
  }
}
