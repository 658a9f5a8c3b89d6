package io.visiona.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.visiona.tunnel.agent.AgentConfig;
import io.visiona.tunnel.agent.AgentState;
import io.visiona.tunnel.pairing.CredentialStore;
import io.visiona.tunnel.pairing.DeviceIdentity;
import io.visiona.tunnel.pairing.PairingClient;
import io.visiona.tunnel.pairing.ProvisionedAgent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A box that starts with no credential: it pairs, stores its credential, rotates it when it is due
 * and connects with the new one; started again, it uses the stored one without pairing.
 */
@Timeout(120)
class ProvisionedAgentTest {

  @TempDir Path dir;
  private TwoServers servers;

  @AfterEach
  void stop() {
    if (servers != null) {
      servers.close();
    }
  }

  @Test
  void pairsOnceRotatesWhenDueAndReconnectsWithTheStoredCredential() throws Exception {
    // Credentials live one day; the box rotates two days before expiry: due at once.
    servers = TwoServers.start(dir.resolve("db"), Map.of("devices.credentials.lifetime", "P1D"));
    TwoServers.Person carol = servers.person("carol");
    CredentialStore store = new CredentialStore(dir.resolve("box/credential"));
    AtomicInteger prompts = new AtomicInteger();
    PairingClient.BoxDescription box =
        new PairingClient.BoxDescription("porch", "VX-3", "SN-9", "1.0");

    String firstCredential;
    try (ProvisionedAgent agent =
        ProvisionedAgent.start(
            new PairingClient(servers.apiBase()),
            store,
            box,
            prompt -> {
              prompts.incrementAndGet();
              assertThat(
                      carol
                          .call("POST", "/api/pairings/" + prompt.userCode() + "/approve", null)
                          .statusCode())
                  .isEqualTo(200);
            },
            ProvisionedAgentTest::config,
            Duration.ofDays(2),
            Duration.ofHours(1))) {
      DeviceIdentity now = agent.identity();
      assertThat(store.load()).contains(now);
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> agent.agent().state() == AgentState.CONNECTED);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> servers.proxy.registry().find(now.deviceId()).isPresent());
      assertThat(carol.get("/api/audit").body()).contains("credential.rotated");
      // Two credentials were issued for the device: the paired one and its rotation.
      assertThat(carol.get("/api/devices/" + now.deviceId() + "/credentials").body())
          .containsPattern("(?s)\"id\".*\"id\"");
      firstCredential = now.credential();
    }
    assertThat(prompts).hasValue(1);

    // Started again: no pairing, the stored (rotated again, since still due) credential is used.
    try (ProvisionedAgent again =
        ProvisionedAgent.start(
            new PairingClient(servers.apiBase()),
            store,
            box,
            prompt -> prompts.incrementAndGet(),
            ProvisionedAgentTest::config,
            Duration.ofDays(2),
            Duration.ofHours(1))) {
      assertThat(prompts).hasValue(1);
      assertThat(again.identity().deviceId()).isEqualTo(store.load().orElseThrow().deviceId());
      assertThat(again.identity().credential()).isNotEqualTo(firstCredential);
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> again.agent().state() == AgentState.CONNECTED);
    }
  }

  private static AgentConfig config(DeviceIdentity id) {
    return AgentConfig.builder()
        .proxyUri(id.tunnelUrl())
        .credential(id.credential())
        .target("127.0.0.1", 9)
        .build();
  }
}
