package io.visiona.proxy.internal;

import io.helidon.http.Headers;

/**
 * Refuses every internal request: what the proxy runs with when no signing keys are configured
 * (default deny; the proxy still starts, agents still connect, health and metrics still answer).
 */
public final class DenyAllInternalAuth implements InternalAuth {

  @Override
  public Verdict verify(String method, String pathAndQuery, Headers headers, byte[] body) {
    return Verdict.reject(401, "signing_not_configured");
  }

  @Override
  public int maxBodyBytes() {
    return 0;
  }
}
