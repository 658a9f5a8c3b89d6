package io.visiona.api.proxy;

import io.visiona.server.signing.SignedHttpRequests;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Signed calls to a remote-proxy replica's internal API (its {@code internal_url} from the
 * replica's heartbeat): end a device's tunnel at once (revocation, deletion, rotation, or a fenced
 * older connection). Every call is bounded by the timeout; a proxy that does not answer is reported
 * as such, never as an exception to the caller.
 */
public final class ProxyClient {

  private static final Logger LOG = Logger.getLogger(ProxyClient.class.getName());
  private static final int MAX_ANSWER_BYTES = 64 << 10;

  private final ProxySettings settings;
  private final Optional<SignedHttpRequests> signed;
  private final HttpClient client;

  public ProxyClient(ProxySettings settings, Optional<SignedHttpRequests> signed) {
    this.settings = settings;
    this.signed = signed;
    this.client = HttpClient.newBuilder().connectTimeout(settings.timeout()).build();
  }

  /**
   * Ends the device's tunnel on the replica at {@code internalUrl} (only {@code connection} when
   * given, so that a late fence never ends a newer tunnel) and makes that proxy forget its cached
   * verification; true if the proxy answered 200.
   */
  public boolean closeSession(URI internalUrl, String deviceId, Optional<String> connection) {
    String path =
        "/internal/session/"
            + URLEncoder.encode(deviceId, StandardCharsets.UTF_8)
            + "/close"
            + connection
                .map(c -> "?connection=" + URLEncoder.encode(c, StandardCharsets.UTF_8))
                .orElse("");
    boolean done = call("POST", internalUrl, path);
    if (!done) {
      LOG.warning("could not end the tunnel of device " + deviceId + " at " + internalUrl);
    }
    return done;
  }

  private boolean call(String method, URI base, String path) {
    if (signed.isEmpty()) {
      return false;
    }
    URI uri = base.resolve(path);
    try {
      HttpResponse<InputStream> res =
          client.send(
              signed.get().request(method, uri, new byte[0]).timeout(settings.timeout()).build(),
              HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream in = res.body()) {
        in.readNBytes(MAX_ANSWER_BYTES);
        if (res.statusCode() != 200) {
          LOG.warning("remote-proxy answered " + res.statusCode() + " to " + method + " " + uri);
          return false;
        }
        return true;
      }
    } catch (IOException e) {
      LOG.fine(() -> "remote-proxy unreachable: " + e);
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
