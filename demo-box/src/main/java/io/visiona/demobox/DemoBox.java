package io.visiona.demobox;

import io.visiona.tunnel.agent.AgentConfig;
import io.visiona.tunnel.pairing.CredentialStore;
import io.visiona.tunnel.pairing.DeviceIdentity;
import io.visiona.tunnel.pairing.PairingClient;
import io.visiona.tunnel.pairing.PairingException;
import io.visiona.tunnel.pairing.ProvisionedAgent;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * A demo edge box: its local web API ({@link LocalApi}) and an edge agent that makes that API
 * reachable through the tunnel. On first start it pairs (the person enters the printed code in the
 * browser) and keeps the credential in its data directory; later starts reuse it.
 */
public final class DemoBox implements AutoCloseable {

  /** Rotate the credential when it ends within this, checked at start and every six hours. */
  private static final Duration ROTATE_BEFORE = Duration.ofDays(30);

  private static final Duration ROTATION_CHECK = Duration.ofHours(6);

  private final LocalApi api;
  private final ProvisionedAgent agent;

  private DemoBox(LocalApi api, ProvisionedAgent agent) {
    this.api = api;
    this.agent = agent;
  }

  /**
   * Starts the local API, then pairs if no credential is stored (blocking until the pairing is
   * approved; {@code prompt} gets the code to show) and connects.
   *
   * @throws PairingException when pairing is denied, expires or the api-server cannot be reached
   */
  public static DemoBox start(
      DemoBoxSettings settings, Consumer<PairingClient.UserCodePrompt> prompt)
      throws IOException, PairingException, InterruptedException {
    return start(settings, LocalApi.Limits.defaults(settings.maxConnections()), prompt);
  }

  static DemoBox start(
      DemoBoxSettings settings,
      LocalApi.Limits limits,
      Consumer<PairingClient.UserCodePrompt> prompt)
      throws IOException, PairingException, InterruptedException {
    LocalApi api = LocalApi.start(settings.port(), limits, settings.name(), settings.fps());
    try {
      return new DemoBox(api, connect(settings, api.port(), prompt));
    } catch (IOException | PairingException | InterruptedException | RuntimeException e) {
      api.close();
      throw e;
    }
  }

  private static ProvisionedAgent connect(
      DemoBoxSettings settings, int localPort, Consumer<PairingClient.UserCodePrompt> prompt)
      throws IOException, PairingException, InterruptedException {
    ownerOnlyDirectory(settings.dataDir());
    return ProvisionedAgent.start(
        new PairingClient(settings.apiBase()),
        new CredentialStore(settings.dataDir().resolve("credential")),
        new PairingClient.BoxDescription(settings.name(), "demo-box", serial(), version()),
        prompt,
        id ->
            AgentConfig.builder()
                .proxyUri(id.tunnelUrl())
                .credential(id.credential())
                .target("127.0.0.1", localPort)
                .build(),
        ROTATE_BEFORE,
        ROTATION_CHECK);
  }

  /** The data directory, created rwx------ (a credential lives in it). */
  private static void ownerOnlyDirectory(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      Files.createDirectories(
          dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } else {
      Files.createDirectories(dir);
    }
  }

  private static String serial() {
    try {
      return "demo-" + InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "demo";
    }
  }

  private static String version() {
    String v = DemoBox.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  public int localPort() {
    return api.port();
  }

  /** The identity the box connects with. */
  public DeviceIdentity identity() {
    return agent.identity();
  }

  /** The running agent (see {@link ProvisionedAgent#agent()}). */
  public ProvisionedAgent agent() {
    return agent;
  }

  /** Disconnects, then stops the local API. */
  @Override
  public void close() {
    agent.close();
    api.close();
  }

  public static void main(String[] args) throws InterruptedException {
    System.setProperty("java.awt.headless", "true");
    DemoBoxSettings settings;
    if (Arrays.asList(args).contains("--help")) {
      System.out.print(DemoBoxSettings.USAGE);
      return;
    }
    try {
      settings = DemoBoxSettings.parse(Arrays.asList(args), System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("demo-box: " + e.getMessage());
      System.err.print(DemoBoxSettings.USAGE);
      System.exit(2);
      return;
    }
    AtomicReference<DemoBox> running = new AtomicReference<>();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  DemoBox box = running.getAndSet(null);
                  if (box != null) {
                    box.close();
                  }
                  stopped.countDown();
                },
                "demo-box-shutdown"));
    System.out.println(
        "demo-box: local API on http://127.0.0.1:"
            + settings.port()
            + "/, pairing with "
            + settings.apiBase()
            + ", data in "
            + settings.dataDir().toAbsolutePath());
    try {
      DemoBox box = start(settings, prompt -> PairingBanner.print(System.out, prompt));
      running.set(box);
      DeviceIdentity id = box.identity();
      System.out.println(
          "demo-box: device "
              + id.deviceId()
              + ", tunnel to "
              + id.tunnelUrl()
              + "; reach it at "
              + settings.apiBase().resolve("/api/devices/" + id.deviceId() + "/agent/")
              + " (Ctrl-C stops)");
    } catch (PairingException e) {
      System.err.println("demo-box: pairing failed (" + e.reason() + "): " + e.getMessage());
      System.exit(1);
    } catch (IOException e) {
      System.err.println("demo-box: " + e.getMessage());
      System.exit(1);
    }
    stopped.await();
  }
}
