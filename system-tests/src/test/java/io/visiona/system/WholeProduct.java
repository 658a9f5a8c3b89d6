package io.visiona.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The whole product as {@code bin/run} starts it: the development OpenID provider, remote-proxy and
 * the api-server as separate processes from the built jars and classpaths, with the {@code etc/}
 * configuration files and the settings {@code bin/run} passes in the environment; only the ports
 * (free ones), the keys (random), the data directory (the test's) and the drain grace periods
 * (short: nothing is left to drain at the end) differ. The demo box is started on demand. Each
 * process's output lands in {@code <logs>/<name>.log}; closing stops every process, the demo box
 * first.
 */
final class WholeProduct implements AutoCloseable {

  /** The longest any process may take to answer after it was started. */
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final Pattern USER_CODE = Pattern.compile("Code:\\s+(\\S+)");
  private static final Pattern DEVICE = Pattern.compile("demo-box: device (\\S+),");

  private final Path root;
  private final Path dir;
  private final Path logs;

  /** The servers, in the order they were started. */
  private final List<ProductProcess> processes = new CopyOnWriteArrayList<>();

  private volatile ProductProcess demoBox;

  /** Should the test JVM end without close() (killed by a timeout), no process outlives it. */
  private final Thread reaper = new Thread(this::kill, "whole-product-reaper");

  private final int idpPort;
  private final int apiPort;
  private final int apiInternalPort;
  private final int tunnelPort;
  private final int proxyInternalPort;

  private WholeProduct(Path root, Path dir, Path logs, int[] ports) {
    this.root = root;
    this.dir = dir;
    this.logs = logs;
    this.idpPort = ports[0];
    this.apiPort = ports[1];
    this.apiInternalPort = ports[2];
    this.tunnelPort = ports[3];
    this.proxyInternalPort = ports[4];
  }

  /** Starts the provider and both servers and waits until they answer. */
  static WholeProduct start(Path dir, Path logs) {
    WholeProduct product = new WholeProduct(checkout(), dir, logs, freePorts(5));
    Runtime.getRuntime().addShutdownHook(product.reaper);
    try {
      product.startServers();
    } catch (RuntimeException | Error e) {
      product.close();
      throw e;
    }
    return product;
  }

  /** Where the browser opens the console. */
  String consoleOrigin() {
    return "http://localhost:" + apiPort;
  }

  String issuer() {
    return "http://localhost:" + idpPort + "/visiona";
  }

  private void startServers() {
    String apiToProxy = key("t-a");
    String proxyToApi = key("t-p");
    processes.add(
        ProductProcess.startJava(
            "dev-idp",
            root,
            List.of(
                "-cp",
                "dev-idp/target/libs/*",
                "no.nav.security.mock.oauth2.StandaloneMockOAuth2ServerKt"),
            Map.of(
                "SERVER_HOSTNAME", "localhost",
                "SERVER_PORT", Integer.toString(idpPort),
                "JSON_CONFIG", "{\"interactiveLogin\":true}"),
            logs.resolve("dev-idp.log")));
    processes.add(
        ProductProcess.startJava(
            "remote-proxy",
            root,
            List.of(
                "-XX:+ExitOnOutOfMemoryError",
                "-jar",
                jar("remote-proxy").toString(),
                "--config",
                "etc/remote-proxy.yaml"),
            Map.of(
                "VISIONA_PROXY_SIGNING_KEYS_API_TO_PROXY",
                apiToProxy,
                "VISIONA_PROXY_SIGNING_KEYS_PROXY_TO_API",
                proxyToApi,
                "VISIONA_PROXY_TUNNEL_PORT",
                Integer.toString(tunnelPort),
                "VISIONA_PROXY_INTERNAL_PORT",
                Integer.toString(proxyInternalPort),
                "VISIONA_PROXY_AUTH_API_SERVER_URL",
                "http://127.0.0.1:" + apiInternalPort,
                // Announced in its heartbeats: where the api-server dials the relay link.
                "VISIONA_PROXY_REPLICA_INTERNAL_URL",
                "http://127.0.0.1:" + proxyInternalPort,
                // No agent to wait for at the end of a test.
                "VISIONA_PROXY_DRAIN_GRACE_PERIOD",
                "PT1S"),
            logs.resolve("remote-proxy.log")));
    processes.add(
        ProductProcess.startJava(
            "api-server",
            root,
            List.of(
                "-XX:+ExitOnOutOfMemoryError",
                "-jar",
                jar("api-server").toString(),
                "--config",
                "etc/api-server.yaml"),
            Map.ofEntries(
                Map.entry("VISIONA_API_SIGNING_KEYS_API_TO_PROXY", apiToProxy),
                Map.entry("VISIONA_API_SIGNING_KEYS_PROXY_TO_API", proxyToApi),
                Map.entry("VISIONA_API_SESSION_COOKIE_KEYS", key("t-c")),
                Map.entry("VISIONA_API_OIDC_ISSUER", issuer()),
                Map.entry("VISIONA_API_OIDC_CLIENT_ID", "visiona-console"),
                Map.entry("VISIONA_API_OIDC_REDIRECT_URI", consoleOrigin() + "/api/auth/callback"),
                Map.entry("VISIONA_API_OIDC_POST_LOGOUT_REDIRECT_URI", consoleOrigin() + "/"),
                Map.entry("VISIONA_API_DATABASE_DATA_DIR", dir.resolve("data").toString()),
                Map.entry("VISIONA_API_HTTP_PORT", Integer.toString(apiPort)),
                Map.entry("VISIONA_API_INTERNAL_PORT", Integer.toString(apiInternalPort)),
                Map.entry("VISIONA_API_PAIRING_VERIFICATION_URI", consoleOrigin() + "/pair"),
                Map.entry(
                    "VISIONA_API_PAIRING_TUNNEL_URL",
                    "ws://localhost:" + tunnelPort + "/v1/tunnel"),
                Map.entry("VISIONA_API_DRAIN_GRACE_PERIOD", "PT1S")),
            logs.resolve("api-server.log")));
    awaitAnswer(issuer() + "/.well-known/openid-configuration");
    awaitAnswer("http://127.0.0.1:" + proxyInternalPort + "/observe/health/ready");
    awaitAnswer("http://127.0.0.1:" + apiPort + "/observe/health/ready");
  }

  /** The demo box, as bin/run starts it, on a free local port, its data in the test's directory. */
  ProductProcess startDemoBox() {
    assertThat(demoBox).as("one demo box").isNull();
    ProductProcess box =
        ProductProcess.startJava(
            "demo-box",
            root,
            List.of(
                "-jar",
                "demo-box/target/demo-box.jar",
                "--data-dir",
                dir.resolve("demo-box").toString(),
                "--api",
                consoleOrigin(),
                "--port",
                "0"),
            Map.of(),
            logs.resolve("demo-box.log"));
    demoBox = box;
    return box;
  }

  /** The user code the box prints in its pairing banner. */
  static String pairingCode(ProductProcess box) {
    return printed(box, USER_CODE, "the pairing code");
  }

  /** The device id the box prints once it is paired. */
  static String deviceId(ProductProcess box) {
    return printed(box, DEVICE, "its device id");
  }

  private static String printed(ProductProcess box, Pattern pattern, String what) {
    return await(what + " printed by " + box.name + " (" + box.log + ")")
        .atMost(START_TIMEOUT)
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              Matcher m = pattern.matcher(box.output());
              if (m.find()) {
                return m.group(1);
              }
              assertThat(box.alive()).as(box.name + " is running").isTrue();
              return null;
            },
            code -> code != null);
  }

  private void awaitAnswer(String url) {
    await("an answer from " + url)
        .atMost(START_TIMEOUT)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              for (ProductProcess p : processes) {
                assertThat(p.alive()).as("%s is running (its output: %s)", p.name, p.log).isTrue();
              }
              return status(url) == 200;
            });
  }

  private static int status(String url) throws InterruptedException {
    try {
      return HTTP.send(
              HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    }
  }

  private Path jar(String module) {
    Path target = root.resolve(module).resolve("target");
    List<Path> jars = new ArrayList<>();
    try (DirectoryStream<Path> found = Files.newDirectoryStream(target, module + "-*.jar")) {
      found.forEach(jars::add);
    } catch (IOException e) {
      throw new UncheckedIOException("no " + target + ": build the module first", e);
    }
    assertThat(jars).as("the built jar of " + module).hasSize(1);
    return jars.get(0);
  }

  /** The checkout's root: the system-tests module's parent. */
  private static Path checkout() {
    Path root = Path.of(System.getProperty("visiona.root", "..")).toAbsolutePath().normalize();
    assertThat(root.resolve("etc/api-server.yaml")).as("the checkout's etc/").isRegularFile();
    return root;
  }

  private static String key(String kid) {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return kid + ":" + Base64.getEncoder().encodeToString(key);
  }

  /** Distinct free ports (all held open together while they are chosen). */
  private static int[] freePorts(int n) {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      int[] ports = new int[n];
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        sockets.add(s);
        ports[i] = s.getLocalPort();
      }
      return ports;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      for (ServerSocket s : sockets) {
        try {
          s.close();
        } catch (IOException ignored) {
          // only a probe
        }
      }
    }
  }

  /** Stops every process: the demo box, the api-server, remote-proxy, the provider. */
  @Override
  public void close() {
    if (demoBox != null) {
      demoBox.close();
    }
    for (ProductProcess p : processes.reversed()) {
      p.close();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(reaper);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs anyway; everything is stopped already
    }
  }

  private void kill() {
    if (demoBox != null) {
      demoBox.kill();
    }
    processes.forEach(ProductProcess::kill);
  }
}
