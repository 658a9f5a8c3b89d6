package io.visiona.proxy.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link BenchProxy} in a child JVM with the given JVM options (heap measurements, memory limits):
 * credentials {@code dev-N} are device {@code dev-N}, the internal API takes the test keys.
 */
public final class ChildProxy implements AutoCloseable {

  private static final Pattern USED_HEAP =
      Pattern.compile("memory_usedHeap_bytes\\{[^}]*\\} ([0-9.E+]+)");
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  public final Process process;
  public final int tunnelPort;
  public final int internalPort;

  private ChildProxy(Process process, int tunnelPort, int internalPort) {
    this.process = process;
    this.tunnelPort = tunnelPort;
    this.internalPort = internalPort;
  }

  public static ChildProxy start(String... jvmOptions) throws IOException {
    return start(null, jvmOptions);
  }

  /** Starts the child; its standard error goes to {@code stderr} (discarded when null). */
  public static ChildProxy start(Path stderr, String... jvmOptions) throws IOException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command = new ArrayList<>();
    command.add(java.toString());
    command.addAll(List.of(jvmOptions));
    command.addAll(
        List.of("-cp", System.getProperty("java.class.path"), BenchProxy.class.getName()));
    Process p =
        new ProcessBuilder(command)
            .redirectError(
                stderr == null
                    ? ProcessBuilder.Redirect.DISCARD
                    : ProcessBuilder.Redirect.to(stderr.toFile()))
            .start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = out.readLine()) != null && !line.startsWith("PORTS ")) {
      // startup output
    }
    if (line == null) {
      p.destroyForcibly();
      throw new IOException("bench proxy did not start");
    }
    String[] ports = line.split(" ");
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                out.transferTo(Writer.nullWriter());
              } catch (IOException ignored) {
                // child gone
              }
            });
    return new ChildProxy(p, Integer.parseInt(ports[1]), Integer.parseInt(ports[2]));
  }

  public URI tunnel() {
    return URI.create("ws://127.0.0.1:" + tunnelPort + "/v1/tunnel");
  }

  public URI internal(String path) {
    return URI.create("http://127.0.0.1:" + internalPort + path);
  }

  /** An unsigned GET on the internal listener (health, metrics). */
  public HttpResponse<String> plainGet(String path) throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(internal(path)).timeout(java.time.Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Used heap after two full collections (jcmd GC.run), from the proxy's metrics. */
  public double heapAfterGc() throws Exception {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    for (int i = 0; i < 2; i++) {
      new ProcessBuilder(Files.exists(jcmd) ? jcmd.toString() : "jcmd", pid(), "GC.run")
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start()
          .waitFor(60, TimeUnit.SECONDS);
    }
    Matcher m = USED_HEAP.matcher(plainGet("/observe/metrics").body());
    if (!m.find()) {
      throw new IOException("no heap gauge in the metrics");
    }
    return Double.parseDouble(m.group(1));
  }

  /** Resident set size of the child, from /proc (Linux), in bytes; -1 if unknown. */
  public long rss() throws IOException {
    Path status = Path.of("/proc", pid(), "status");
    if (!Files.exists(status)) {
      return -1;
    }
    for (String line : Files.readAllLines(status)) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    return -1;
  }

  /** Agents the proxy lists as connected (its gauge); -1 if absent. */
  public int listed() throws Exception {
    Matcher m =
        Pattern.compile("proxy_agents_connected\\{[^}]*\\} ([0-9.E+]+)")
            .matcher(plainGet("/observe/metrics").body());
    return m.find() ? (int) Double.parseDouble(m.group(1)) : -1;
  }

  private String pid() {
    return Long.toString(process.pid());
  }

  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
