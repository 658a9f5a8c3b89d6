package io.visiona.api.auth;

import java.util.Locale;

/** How a confidential client authenticates at the token endpoint (RFC 6749 §2.3.1). */
public enum ClientAuth {
  CLIENT_SECRET_BASIC,
  CLIENT_SECRET_POST;

  public static ClientAuth parse(String text) {
    return switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "client_secret_basic", "" -> CLIENT_SECRET_BASIC;
      case "client_secret_post" -> CLIENT_SECRET_POST;
      default ->
          throw new IllegalArgumentException(
              "client-auth must be client_secret_basic or client_secret_post, not " + text);
    };
  }
}
