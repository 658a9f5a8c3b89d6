package io.visiona.tunnel.agent;

import io.visiona.tunnel.Session;
import io.visiona.tunnel.Transport;
import io.visiona.tunnel.WebSocketUpgradeException;
import java.io.IOException;
import java.net.http.HttpClient;
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

  /** {@code http} is used only with {@link io.visiona.tunnel.WebSocketClient#JDK}; may be null. */
  ProxyDialer(AgentConfig config, HttpClient http) {
    this.config = config;
    this.http = http;
  }

  Session dial() throws IOException {
    Transport transport;
    try {
      transport =
          config
              .webSocketClient()
              .connect(
                  http,
                  config.proxyUri(),
                  Map.of("Authorization", "Bearer " + config.credential()),
                  config.connectTimeout(),
                  config.sendTimeout());
    } catch (WebSocketUpgradeException e) {
      int status = e.status();
      if (status == 401 || status == 403) {
        throw new CredentialRejectedException(status);
      }
      throw new IOException("proxy answered the upgrade with HTTP " + status, e);
    }
    return Session.client(transport, config.session());
  }
}
