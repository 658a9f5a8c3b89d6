package io.visiona.tunnel.pairing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The box's side of pairing (RFC 8628 device flow against the api-server's {@code /v1/pair/*}) and
 * of credential rotation ({@code /v1/device/credential/rotate}).
 *
 * <pre>{@code
 * PairingClient client = new PairingClient(URI.create("https://api.example.com"));
 * DeviceIdentity id = client.pair(
 *     new PairingClient.BoxDescription("Kitchen camera", "VX-1", "SN123", "1.4.2"),
 *     prompt -> display.show("Pair this box: " + prompt.userCode() + " at " + prompt.verificationUri()));
 * new CredentialStore(Path.of("/var/lib/visiona/credential")).save(id);
 * }</pre>
 *
 * Polling honours the server's {@code interval} and every {@code slow_down}, and stops at the
 * pairing's lifetime. Neither the device code nor the credential is ever logged.
 */
public final class PairingClient {

  /** What the box says about itself; shown to the person who approves it. */
  public record BoxDescription(String name, String model, String serial, String agentVersion) {}

  /** What to show the person: the code to enter and where. */
  public record UserCodePrompt(
      String userCode, URI verificationUri, URI verificationUriComplete, Duration expiresIn) {}

  private static final System.Logger LOG = System.getLogger(PairingClient.class.getName());
  private static final Duration SLOW_DOWN_STEP = Duration.ofSeconds(5);
  private static final int MAX_ANSWER_BYTES = FlatJson.MAX_LENGTH;

  private final URI apiBase;
  private final HttpClient http;
  private final Duration requestTimeout;

  public PairingClient(URI apiBase) {
    this(
        apiBase,
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build(),
        Duration.ofSeconds(30));
  }

  public PairingClient(URI apiBase, HttpClient http, Duration requestTimeout) {
    this.apiBase = apiBase;
    this.http = http;
    this.requestTimeout = requestTimeout;
  }

  /** Starts a pairing, hands the user code to {@code prompt}, and polls until it ends. */
  public DeviceIdentity pair(BoxDescription box, Consumer<UserCodePrompt> prompt)
      throws PairingException, InterruptedException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", box.name());
    body.put("model", box.model());
    body.put("serial", box.serial());
    body.put("agent_version", box.agentVersion());
    Answer started = post("/v1/pair/start", FlatJson.write(body), null);
    if (started.status() != 200) {
      throw new PairingException(
          PairingException.Reason.UNAVAILABLE,
          "pairing could not start: HTTP " + started.status() + " " + started.errorCode());
    }
    String deviceCode = started.text("device_code");
    Duration interval = Duration.ofSeconds(Math.max(1, started.number("interval", 5)));
    Duration lifetime = Duration.ofSeconds(started.number("expires_in", 600));
    UserCodePrompt p =
        new UserCodePrompt(
            started.text("user_code"),
            URI.create(started.text("verification_uri")),
            URI.create(started.text("verification_uri_complete")),
            lifetime);
    LOG.log(
        System.Logger.Level.INFO,
        "pairing: enter code " + p.userCode() + " at " + p.verificationUri());
    prompt.accept(p);

    Instant deadline = Instant.now().plus(lifetime);
    String poll = FlatJson.write(Map.of("device_code", deviceCode));
    while (Instant.now().isBefore(deadline)) {
      Thread.sleep(interval.toMillis());
      Answer a;
      try {
        a = post("/v1/pair/token", poll, null);
      } catch (PairingException unreachable) {
        LOG.log(
            System.Logger.Level.DEBUG, () -> "pairing poll failed: " + unreachable.getMessage());
        continue; // the server may come back before the pairing ends
      }
      if (a.status() == 200) {
        return identity(a);
      }
      switch (a.oauthError()) {
        case "authorization_pending" -> {}
        case "slow_down" ->
            interval =
                Duration.ofSeconds(
                    Math.max(
                        interval.plus(SLOW_DOWN_STEP).toSeconds(),
                        a.number("interval", interval.plus(SLOW_DOWN_STEP).toSeconds())));
        case "access_denied" ->
            throw new PairingException(PairingException.Reason.ACCESS_DENIED, "pairing denied");
        case "expired_token" ->
            throw new PairingException(PairingException.Reason.EXPIRED_TOKEN, "pairing expired");
        case "invalid_grant" ->
            throw new PairingException(
                PairingException.Reason.INVALID_GRANT, "the server does not know this pairing");
        default ->
            LOG.log(
                System.Logger.Level.DEBUG,
                () -> "pairing poll answered HTTP " + a.status() + "; polling on");
      }
    }
    throw new PairingException(PairingException.Reason.EXPIRED_TOKEN, "pairing expired");
  }

  /**
   * A new credential for the box, authenticated with its current one (which keeps working for a
   * short overlap, so a box that loses this answer can try again).
   */
  public DeviceIdentity rotate(DeviceIdentity current)
      throws PairingException, InterruptedException {
    Answer a = post("/v1/device/credential/rotate", "{}", current.credential());
    if (a.status() == 200) {
      return identity(a);
    }
    if (a.status() == 401) {
      throw new PairingException(
          PairingException.Reason.UNAUTHORIZED, "the current credential was refused");
    }
    throw new PairingException(
        PairingException.Reason.UNAVAILABLE, "rotation failed: HTTP " + a.status());
  }

  private static DeviceIdentity identity(Answer a) throws PairingException {
    try {
      return new DeviceIdentity(
          a.text("device_id"),
          a.text("credential"),
          URI.create(a.text("tunnel_url")),
          Instant.ofEpochMilli(a.number("expires_at", 0)));
    } catch (IllegalArgumentException e) {
      throw new PairingException(
          PairingException.Reason.UNAVAILABLE, "the server's answer lacks the credential", e);
    }
  }

  private Answer post(String path, String json, String bearer)
      throws PairingException, InterruptedException {
    HttpRequest.Builder req =
        HttpRequest.newBuilder(apiBase.resolve(path))
            .timeout(requestTimeout)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json));
    if (bearer != null) {
      req.header("Authorization", "Bearer " + bearer);
    }
    try {
      HttpResponse<java.io.InputStream> res =
          http.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
      byte[] body;
      try (var in = res.body()) {
        body = in.readNBytes(MAX_ANSWER_BYTES + 1);
      }
      Map<String, Object> members;
      try {
        members =
            body.length > MAX_ANSWER_BYTES
                ? Map.of()
                : FlatJson.parse(new String(body, java.nio.charset.StandardCharsets.UTF_8));
      } catch (IllegalArgumentException notJson) {
        members = Map.of();
      }
      return new Answer(res.statusCode(), members);
    } catch (HttpTimeoutException e) {
      throw new PairingException(PairingException.Reason.UNAVAILABLE, "no answer in time", e);
    } catch (IOException e) {
      throw new PairingException(
          PairingException.Reason.UNAVAILABLE, "api-server unreachable: " + e.getMessage(), e);
    }
  }

  /** A parsed answer; error members in RFC 8628 form ({@code error}) or the API's envelope. */
  private record Answer(int status, Map<String, Object> members) {

    String text(String name) {
      if (members.get(name) instanceof String s && !s.isEmpty()) {
        return s;
      }
      throw new IllegalArgumentException("missing " + name);
    }

    long number(String name, long fallback) {
      return members.get(name) instanceof Long n ? n : fallback;
    }

    String oauthError() {
      return members.get("error") instanceof String s ? s : "";
    }

    String errorCode() {
      return members.getOrDefault("error", "").toString();
    }
  }
}
