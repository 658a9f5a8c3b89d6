package io.visiona.tunnel.pairing;

import io.visiona.tunnel.agent.AgentConfig;
import io.visiona.tunnel.agent.EdgeAgent;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * An edge agent that provisions itself: it takes its identity from the {@link CredentialStore}, or
 * pairs first when there is none; connects with it; and rotates the credential before it expires
 * (checked at start and then every {@code checkEvery}), storing each new one before using it.
 *
 * <pre>{@code
 * ProvisionedAgent agent = ProvisionedAgent.start(
 *     new PairingClient(URI.create("https://api.example.com")),
 *     new CredentialStore(Path.of("/var/lib/visiona/credential")),
 *     new PairingClient.BoxDescription("Kitchen camera", "VX-1", "SN123", "1.4.2"),
 *     prompt -> display.show(prompt.userCode()),
 *     id -> AgentConfig.builder().proxyUri(id.tunnelUrl()).credential(id.credential())
 *         .target("127.0.0.1", 8080).build(),
 *     Duration.ofDays(30), Duration.ofHours(6));
 * }</pre>
 */
public final class ProvisionedAgent implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(ProvisionedAgent.class.getName());

  private final PairingClient pairing;
  private final CredentialStore store;
  private final Function<DeviceIdentity, AgentConfig> agentConfig;
  private final Duration rotateBefore;
  private final Clock clock;
  private final ReentrantLock lock = new ReentrantLock();
  private DeviceIdentity identity; // guarded by lock
  private EdgeAgent agent; // guarded by lock
  private boolean closed; // guarded by lock
  private Thread rotator;

  private ProvisionedAgent(
      PairingClient pairing,
      CredentialStore store,
      Function<DeviceIdentity, AgentConfig> agentConfig,
      Duration rotateBefore,
      Clock clock,
      DeviceIdentity identity) {
    this.pairing = pairing;
    this.store = store;
    this.agentConfig = agentConfig;
    this.rotateBefore = rotateBefore;
    this.clock = clock;
    this.identity = identity;
  }

  /**
   * Loads or pairs, rotates if due, connects, and keeps rotating in the background.
   *
   * @throws PairingException when there is no stored identity and pairing fails
   */
  public static ProvisionedAgent start(
      PairingClient pairing,
      CredentialStore store,
      PairingClient.BoxDescription box,
      Consumer<PairingClient.UserCodePrompt> prompt,
      Function<DeviceIdentity, AgentConfig> agentConfig,
      Duration rotateBefore,
      Duration checkEvery)
      throws PairingException, IOException, InterruptedException {
    if (checkEvery.isNegative() || checkEvery.isZero()) {
      throw new IllegalArgumentException("checkEvery must be positive");
    }
    Optional<DeviceIdentity> stored = store.load();
    DeviceIdentity identity;
    if (stored.isPresent()) {
      identity = stored.get();
    } else {
      LOG.log(System.Logger.Level.INFO, "no credential stored in " + store.file() + ": pairing");
      identity = pairing.pair(box, prompt);
      store.save(identity);
    }
    ProvisionedAgent p =
        new ProvisionedAgent(
            pairing, store, agentConfig, rotateBefore, Clock.systemUTC(), identity);
    p.rotateIfDue();
    p.connect();
    p.rotator =
        Thread.ofVirtual()
            .name("credential-rotation")
            .start(
                () -> {
                  try {
                    while (true) {
                      Thread.sleep(checkEvery.toMillis());
                      p.rotateIfDue();
                    }
                  } catch (InterruptedException e) {
                    // closed
                  }
                });
    return p;
  }

  /** The identity in use (changes at each rotation). */
  public DeviceIdentity identity() {
    lock.lock();
    try {
      return identity;
    } finally {
      lock.unlock();
    }
  }

  /** The edge agent currently connected with {@link #identity()}. */
  public EdgeAgent agent() {
    lock.lock();
    try {
      return agent;
    } finally {
      lock.unlock();
    }
  }

  private void connect() {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      agent = new EdgeAgent(agentConfig.apply(identity));
      agent.start();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Rotates when the credential ends within {@code rotateBefore}: the new one is stored first, then
   * the agent reconnects with it. A failed rotation is logged and tried again at the next check;
   * the current credential stays in use meanwhile.
   */
  void rotateIfDue() throws InterruptedException {
    DeviceIdentity current = identity();
    if (clock.instant().isBefore(current.expiresAt().minus(rotateBefore))) {
      return;
    }
    DeviceIdentity next;
    try {
      next = pairing.rotate(current);
      store.save(next);
    } catch (PairingException | IOException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "credential rotation failed (will retry): " + e.getMessage());
      return;
    }
    LOG.log(
        System.Logger.Level.INFO,
        "credential rotated for device " + next.deviceId() + ", valid until " + next.expiresAt());
    EdgeAgent old;
    lock.lock();
    try {
      identity = next;
      old = agent;
    } finally {
      lock.unlock();
    }
    if (old != null) {
      old.close();
      connect();
    }
  }

  @Override
  public void close() {
    EdgeAgent current;
    lock.lock();
    try {
      closed = true;
      current = agent;
    } finally {
      lock.unlock();
    }
    if (rotator != null) {
      rotator.interrupt();
    }
    if (current != null) {
      current.close();
    }
  }
}
