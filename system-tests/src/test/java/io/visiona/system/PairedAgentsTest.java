package io.visiona.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.visiona.tunnel.agent.AgentConfig;
import io.visiona.tunnel.agent.AgentState;
import io.visiona.tunnel.agent.EdgeAgent;
import io.visiona.tunnel.gopeer.GoPeer;
import io.visiona.tunnel.pairing.DeviceIdentity;
import io.visiona.tunnel.pairing.PairingClient;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole path with real processes and sockets: boxes pair through {@code /v1/pair/*}, connect to
 * remote-proxy with their own credential (checked through the api-server's signed verify call),
 * show up online in {@code GET /api/devices}, are cut off within a second of revocation and cannot
 * reconnect. One box is the Java {@link EdgeAgent}, the other the Go field agent (hashicorp/yamux
 * over gorilla/websocket).
 */
@Timeout(120)
class PairedAgentsTest {

  /** Where a box's local API would be; no stream is opened in these tests. */
  private static final InetSocketAddress NO_TARGET = new InetSocketAddress("127.0.0.1", 9);

  @TempDir Path dir;
  private TwoServers servers;

  @BeforeEach
  void start() {
    servers = TwoServers.start(dir);
  }

  @AfterEach
  void stop() {
    servers.close();
  }

  private static JsonObject json(HttpResponse<String> r) {
    return Json.createReader(new StringReader(r.body())).readObject();
  }

  /** Pairs a box through the HTTP API while {@code owner} approves it. */
  private DeviceIdentity pair(TwoServers.Person owner, String name) throws Exception {
    return new PairingClient(servers.apiBase())
        .pair(
            new PairingClient.BoxDescription(name, "VX-1", "SN-" + name, "1.0"),
            prompt ->
                assertThat(
                        owner
                            .call("POST", "/api/pairings/" + prompt.userCode() + "/approve", null)
                            .statusCode())
                    .isEqualTo(200));
  }

  /** The device's presence, in the listing and on its own (a disagreement is returned as such). */
  private String presence(TwoServers.Person owner, String deviceId) {
    String listed = "absent";
    for (JsonValue v : json(owner.get("/api/devices")).getJsonArray("devices")) {
      JsonObject d = v.asJsonObject();
      if (d.getString("id").equals(deviceId)) {
        listed = d.getString("presence");
      }
    }
    HttpResponse<String> one = owner.get("/api/devices/" + deviceId);
    String own = one.statusCode() == 200 ? json(one).getString("presence") : "absent";
    return own.equals(listed) ? listed : "listed " + listed + " but " + own + " on its own";
  }

  @Test
  void aJavaAgentPairsConnectsAndIsCutOffByRevocation() throws Exception {
    TwoServers.Person alice = servers.person("alice");
    DeviceIdentity id = pair(alice, "kitchen");
    assertThat(presence(alice, id.deviceId())).isEqualTo("offline");

    try (EdgeAgent agent =
        new EdgeAgent(
            AgentConfig.builder()
                .proxyUri(id.tunnelUrl())
                .credential(id.credential())
                .target(NO_TARGET.getHostString(), NO_TARGET.getPort())
                .build())) {
      agent.start();
      await().atMost(Duration.ofSeconds(20)).until(() -> agent.state() == AgentState.CONNECTED);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> presence(alice, id.deviceId()).equals("online"));

      String credentialId = id.credential().substring(4, 36);
      assertThat(
              alice
                  .call(
                      "DELETE",
                      "/api/devices/" + id.deviceId() + "/credentials/" + credentialId,
                      null)
                  .statusCode())
          .isEqualTo(204);
      // Cut off within a second: the proxy closed the tunnel at the api-server's request.
      await()
          .atMost(Duration.ofSeconds(1))
          .until(() -> servers.proxy.registry().find(id.deviceId()).isEmpty());
      // And the old credential does not get back in: the agent is refused on reconnect.
      await().atMost(Duration.ofSeconds(20)).until(() -> agent.stats().credentialRejections() > 0);
      assertThat(servers.proxy.registry().find(id.deviceId())).isEmpty();
      assertThat(presence(alice, id.deviceId())).isEqualTo("offline");
    }
  }

  @Test
  void theGoFieldAgentConnectsWithItsCredentialAndIsCutOffWhenItsDeviceIsDeleted()
      throws Exception {
    TwoServers.Person bob = servers.person("bob");
    // The Go agent's pairing calls, made here over HTTP exactly as the box would make them.
    HttpResponse<String> started =
        TwoServers.send(
            HttpRequest.newBuilder(servers.apiBase().resolve("/v1/pair/start"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"go-box\"}")));
    JsonObject s = json(started);
    assertThat(
            bob.call("POST", "/api/pairings/" + s.getString("user_code") + "/approve", null)
                .statusCode())
        .isEqualTo(200);
    HttpResponse<String> token =
        TwoServers.send(
            HttpRequest.newBuilder(servers.apiBase().resolve("/v1/pair/token"))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"device_code\":\"" + s.getString("device_code") + "\"}")));
    assertThat(token.statusCode()).isEqualTo(200);
    JsonObject issued = json(token);
    String deviceId = issued.getString("device_id");

    try (GoPeer agent =
        GoPeer.agent(
            java.net.URI.create(issued.getString("tunnel_url")),
            Map.of("Authorization", "Bearer " + issued.getString("credential")),
            NO_TARGET)) {
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> servers.proxy.registry().find(deviceId).isPresent());
      assertThat(servers.proxy.registry().find(deviceId).orElseThrow().identity().ownerId())
          .isNotBlank();
      await().atMost(Duration.ofSeconds(10)).until(() -> presence(bob, deviceId).equals("online"));

      assertThat(bob.call("DELETE", "/api/devices/" + deviceId, null).statusCode()).isEqualTo(204);
      await()
          .atMost(Duration.ofSeconds(1))
          .until(() -> servers.proxy.registry().find(deviceId).isEmpty());
      // The credential went with the device: a new connection with it is refused.
      assertThat(agentUpgrade(issued.getString("credential"))).isEqualTo(401);
    }
  }

  /** A WebSocket upgrade on the tunnel endpoint with a credential: the proxy's status code. */
  private int agentUpgrade(String credential) throws java.io.IOException {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", servers.proxy.tunnelPort())) {
      socket.setSoTimeout(10_000);
      socket
          .getOutputStream()
          .write(
              ("GET /v1/tunnel HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\n"
                      + "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
                      + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                      + "Authorization: Bearer "
                      + credential
                      + "\r\n\r\n")
                  .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      byte[] head = socket.getInputStream().readNBytes(12);
      return Integer.parseInt(
          new String(head, java.nio.charset.StandardCharsets.US_ASCII).substring(9, 12));
    }
  }
}
