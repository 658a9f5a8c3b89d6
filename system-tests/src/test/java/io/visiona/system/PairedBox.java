package io.visiona.system;

import static org.awaitility.Awaitility.await;

import io.visiona.tunnel.agent.AgentConfig;
import io.visiona.tunnel.agent.AgentState;
import io.visiona.tunnel.agent.EdgeAgent;
import io.visiona.tunnel.pairing.DeviceIdentity;
import io.visiona.tunnel.pairing.PairingClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * For browser tests: both servers (the api-server on plain http with its development cookies), a
 * {@link TestBox} paired by a person and connected through its Java agent, and that person's
 * session.
 */
final class PairedBox implements AutoCloseable {
  final TwoServers servers;
  final TestBox box;
  final TwoServers.Person person;
  final String deviceId;
  final EdgeAgent agent;

  PairedBox(Path dir, Map<String, String> apiOverrides) throws Exception {
    Map<String, String> settings = new HashMap<>(apiOverrides);
    // The browser reaches the api-server over plain http.
    settings.put("session.insecure-dev-cookies", "true");
    servers = TwoServers.start(dir, settings);
    box = new TestBox();
    EdgeAgent started = null;
    try {
      person = servers.person("bea");
      DeviceIdentity identity =
          new PairingClient(servers.apiBase())
              .pair(
                  new PairingClient.BoxDescription("camera-box", null, null, null),
                  prompt ->
                      person.call("POST", "/api/pairings/" + prompt.userCode() + "/approve", null));
      deviceId = identity.deviceId();
      started =
          new EdgeAgent(
              AgentConfig.builder()
                  .proxyUri(identity.tunnelUrl())
                  .credential(identity.credential())
                  .target("127.0.0.1", box.address().getPort())
                  .build());
      started.start();
      EdgeAgent a = started;
      await().atMost(Duration.ofSeconds(20)).until(() -> a.state() == AgentState.CONNECTED);
      await().atMost(Duration.ofSeconds(20)).until(servers.app.devices().relay()::connected);
    } catch (Exception | AssertionError e) {
      if (started != null) {
        started.close();
      }
      box.close();
      servers.close();
      throw e;
    }
    agent = started;
  }

  String apiOrigin() {
    return "http://127.0.0.1:" + servers.api.port();
  }

  @Override
  public void close() {
    agent.close();
    box.close();
    servers.close();
  }
}
