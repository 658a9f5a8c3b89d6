package io.visiona.proxy.internal;

import io.helidon.http.Headers;

/**
 * Authenticates requests to the internal listener (HTTP requests and the relay-link upgrade):
 * method, raw path and query, headers and the complete body. Implemented over the HMAC request
 * signatures of the signing module.
 */
public interface InternalAuth {

  /** The outcome; {@code reason} is for logs and metrics, never shown to the caller. */
  record Verdict(boolean accepted, int status, String reason) {
    public static Verdict accept() {
      return new Verdict(true, 200, "ok");
    }

    public static Verdict reject(int status, String reason) {
      return new Verdict(false, status, reason);
    }
  }

  Verdict verify(String method, String pathAndQuery, Headers headers, byte[] body);

  /** Largest body the verifier reads (the whole body is signed). */
  int maxBodyBytes();
}
