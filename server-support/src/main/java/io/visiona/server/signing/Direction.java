package io.visiona.server.signing;

/**
 * Which way an internal request travels. Each direction has its own key ring, and its label is part
 * of the signed string, so a request signed for one direction cannot be reflected onto the other.
 */
public enum Direction {
  /** api-server calling remote-proxy's internal API (3801) and relay link. */
  API_TO_PROXY("api-server->remote-proxy", "api-to-proxy"),
  /** remote-proxy calling api-server's internal API (3722). */
  PROXY_TO_API("remote-proxy->api-server", "proxy-to-api");

  private final String label;
  private final String configKey;

  Direction(String label, String configKey) {
    this.label = label;
    this.configKey = configKey;
  }

  /** The audience label inside the signed string. */
  public String label() {
    return label;
  }

  /** The key under {@code <server>.signing.keys} that holds this direction's key ring. */
  public String configKey() {
    return configKey;
  }
}
