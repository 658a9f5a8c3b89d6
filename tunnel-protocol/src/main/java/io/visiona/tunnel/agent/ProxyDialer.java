package io.visiona.tunnel.agent;

import io.visiona.tunnel.Session;
import io.visiona.tunnel.WebSocketTransport;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.WebSocketHandshakeException;
import java.util.Map;

/** Opens the tunnel: the WebSocket upgrade with the device credential, then a client session. */
final class ProxyDialer {

  /** The proxy refused the credential (HTTP 401 or 403). Carries no credential. */
  static final class CredentialRejectedException extends IOException {
    private final int status;

    CredentialRejectedException(int status) {
      super("proxy rejected the device credential (HTTP " + status + ")");
      this.status = status;
    }

    int status() {
      return status;
    }
  }

  private final AgentConfig config;
  private final HttpClient http;

  ProxyDialer(AgentConfig config, HttpClient http) {
    this.config = config;
    this.http = http;
  }

  Session dial() throws IOException {
    WebSocketTransport transport;
    try {
      transport =
          WebSocketTransport.connect(
              http,
              config.proxyUri(),
              Map.of("Authorization", "Bearer " + config.credential()),
              config.connectTimeout(),
              config.sendTimeout());
    } catch (IOException e) {
      int status = handshakeStatus(e);
      if (status == 401 || status == 403) {
        throw new CredentialRejectedException(status);
      }
      throw status > 0 ? new IOException("proxy answered the upgrade with HTTP " + status, e) : e;
    }
    return Session.client(transport, config.session());
  }

  /** The HTTP status of a refused upgrade, or 0 if the failure was not an HTTP answer. */
  private static int handshakeStatus(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof WebSocketHandshakeException h) {
        return h.getResponse().statusCode();
      }
    }
    return 0;
  }
}
