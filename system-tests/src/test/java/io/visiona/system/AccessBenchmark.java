package io.visiona.system;

import com.sun.management.OperatingSystemMXBean;
import io.visiona.system.RawHttpClient.Target;
import io.visiona.tunnel.agent.AgentConfig;
import io.visiona.tunnel.agent.AgentState;
import io.visiona.tunnel.agent.EdgeAgent;
import io.visiona.tunnel.gopeer.GoPeer;
import io.visiona.tunnel.pairing.DeviceIdentity;
import io.visiona.tunnel.pairing.PairingClient;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Device access end to end against the box called directly, same run, same client (see
 * api-server/BENCHMARKS.md): browser client → api-server (session, owner check, passthrough) →
 * relay link → remote-proxy → tunnel → agent (Java {@link EdgeAgent}, then the Go field agent) →
 * the box's HTTP server. Everything but the Go agent runs in this JVM.
 *
 * <p>Run: {@code ./mvnw -B -pl tunnel-protocol,server-support,remote-proxy,api-server,system-tests
 * -Pbench -DskipTests install}; properties {@code bench.runs} (3), {@code bench.bulkMiB} (256),
 * {@code bench.mjpegSeconds} (10), {@code bench.viewers} (100), {@code bench.only} (empty; {@code
 * small}, {@code bulk} or {@code mjpeg} for one group), {@code bench.paths} ({@code
 * direct,java,go}: the box directly and through each agent).
 */
public final class AccessBenchmark {

  private static final int RUNS = Integer.getInteger("bench.runs", 3);
  private static final long BULK = Long.getLong("bench.bulkMiB", 256) << 20;
  private static final int MJPEG_SECONDS = Integer.getInteger("bench.mjpegSeconds", 10);
  private static final int VIEWERS = Integer.getInteger("bench.viewers", 100);
  private static final String ONLY = System.getProperty("bench.only", "");
  private static final List<String> AGENTS =
      List.of(System.getProperty("bench.paths", "direct,java,go").split(","));
  private static final int FPS = 30;
  private static final int FRAME = 100 * 1024;
  private static final long SMALL_NANOS_C1 = 2_000_000_000L;
  private static final long SMALL_NANOS_C64 = 3_000_000_000L;
  private static final long WARMUP_NANOS = 500_000_000L;
  private static final int MAX_SAMPLES_PER_THREAD = 400_000;

  private final Map<String, Map<String, List<Double>>> results = new LinkedHashMap<>();
  private final Map<String, Target> targets = new LinkedHashMap<>();

  private AccessBenchmark() {}

  public static void main(String[] args) throws Exception {
    new AccessBenchmark().run();
    System.exit(0);
  }

  private void run() throws Exception {
    Path dir = Files.createTempDirectory("access-bench");
    try (TwoServers servers =
            TwoServers.start(
                dir,
                Map.of(
                    "http.max-payload-size", Long.toString(4L << 30),
                    "devices.access.max-streams-per-person", "1000",
                    "devices.access.max-streams-per-device", "1000",
                    "devices.access.response-timeout", "PT30S"));
        BenchBox box = new BenchBox()) {
      TwoServers.Person person = servers.person("bench");
      if (AGENTS.contains("direct")) {
        targets.put("direct", new Target("direct", box.address(), "", ""));
      }
      EdgeAgent javaAgent = null;
      GoPeer goAgent = null;
      try {
        if (AGENTS.contains("java")) {
          DeviceIdentity id = pair(servers, person, "java-box");
          javaAgent =
              new EdgeAgent(
                  AgentConfig.builder()
                      .proxyUri(id.tunnelUrl())
                      .credential(id.credential())
                      .target("127.0.0.1", box.address().getPort())
                      .build());
          javaAgent.start();
          EdgeAgent a = javaAgent;
          waitFor("java agent", () -> a.state() == AgentState.CONNECTED);
          targets.put("java", chain(servers, person, id.deviceId(), "java"));
        }
        if (AGENTS.contains("go")) {
          DeviceIdentity id = pair(servers, person, "go-box");
          goAgent =
              GoPeer.agent(
                  id.tunnelUrl(),
                  Map.of("Authorization", "Bearer " + id.credential()),
                  box.address());
          waitFor("go agent", () -> servers.proxy.registry().find(id.deviceId()).isPresent());
          targets.put("go", chain(servers, person, id.deviceId(), "go"));
        }
        waitFor("relay link", servers.app.devices().relay()::connected);
        measure(goAgent);
      } finally {
        if (javaAgent != null) {
          javaAgent.close();
        }
        if (goAgent != null) {
          goAgent.close();
        }
      }
    }
    print();
  }

  private static Target chain(
      TwoServers servers, TwoServers.Person person, String deviceId, String name) {
    InetSocketAddress api = new InetSocketAddress("127.0.0.1", servers.api.port());
    String origin = "http://127.0.0.1:" + servers.api.port();
    return new Target(
        name,
        api,
        "/api/devices/" + deviceId + "/agent",
        "Cookie: " + person.cookie() + "\r\nX-CSRF: 1\r\nOrigin: " + origin + "\r\n");
  }

  private static DeviceIdentity pair(TwoServers servers, TwoServers.Person person, String name)
      throws Exception {
    return new PairingClient(servers.apiBase())
        .pair(
            new PairingClient.BoxDescription(name, null, null, null),
            prompt -> person.call("POST", "/api/pairings/" + prompt.userCode() + "/approve", null));
  }

  private static void waitFor(String what, Supplier<Boolean> condition) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.get()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(what + " not ready after 30 s");
      }
      Thread.sleep(50);
    }
  }

  private void measure(GoPeer goAgent) throws Exception {
    // Warm up every path (JIT, connections, yamux windows) before anything counts.
    for (Target t : targets.values()) {
      small(t, 4, WARMUP_NANOS * 2);
      bulk(t, 16L << 20, true);
      bulk(t, 16L << 20, false);
    }
    for (int run = 1; run <= RUNS; run++) {
      for (Target t : targets.values()) {
        if (ONLY.isEmpty() || ONLY.equals("small")) {
          try {
            Small c1 = small(t, 1, SMALL_NANOS_C1);
            record(t, "1 KiB GET, c=1: requests/s", c1.perSecond());
            record(t, "1 KiB GET, c=1: p50 (µs)", c1.p50Micros());
            record(t, "1 KiB GET, c=1: p99 (µs)", c1.p99Micros());
            Small c64 = small(t, 64, SMALL_NANOS_C64);
            record(t, "1 KiB GET, c=64: requests/s", c64.perSecond());
            record(t, "1 KiB GET, c=64: p50 (µs)", c64.p50Micros());
            record(t, "1 KiB GET, c=64: p99 (µs)", c64.p99Micros());
            record(t, "1 KiB GET, c=64: JVM CPU (cores)", c64.cores());
          } catch (Exception e) {
            failed(t, "1 KiB GET", e);
          }
        }
        if (ONLY.isEmpty() || ONLY.equals("bulk")) {
          for (boolean download : new boolean[] {true, false}) {
            String row = (download ? "download " : "upload ") + (BULK >> 20) + " MiB";
            Cpu cpu = new Cpu(-1);
            try {
              record(t, row + " (MB/s)", bulk(t, BULK, download));
              record(t, row + ": JVM CPU (ms per MiB)", cpu.cpuNanos() / 1e6 / (BULK >> 20));
            } catch (IOException e) {
              failed(t, row, e);
            }
          }
        }
        System.err.printf(Locale.ROOT, "run %d %s done%n", run, t.name());
      }
    }
    if (ONLY.isEmpty() || ONLY.equals("mjpeg")) {
      for (Target t : targets.values()) {
        mjpeg(t, t.name().equals("go") ? goAgent : null);
      }
    }
  }

  /**
   * A measurement that failed (a stalled transfer ends at the client's 30 s read timeout): counted
   * in its own row, left out of the medians, and the benchmark goes on.
   */
  private void failed(Target t, String what, Exception e) {
    System.err.printf(Locale.ROOT, "  %-8s %s FAILED: %s%n", t.name(), what, e);
    results
        .computeIfAbsent("failed measurements (count)", k -> new LinkedHashMap<>())
        .computeIfAbsent(t.name(), k -> new ArrayList<>(List.of(0.0)))
        .set(0, results.get("failed measurements (count)").get(t.name()).get(0) + 1);
  }

  private void record(Target t, String row, double value) {
    results
        .computeIfAbsent(row, k -> new LinkedHashMap<>())
        .computeIfAbsent(t.name(), k -> new ArrayList<>())
        .add(value);
    System.err.printf(Locale.ROOT, "  %-8s %-36s %.1f%n", t.name(), row, value);
  }

  record Small(long requests, long nanos, long[] latencies, double cores) {
    double perSecond() {
      return requests * 1e9 / nanos;
    }

    double p50Micros() {
      return percentile(latencies, 0.50) / 1e3;
    }

    double p99Micros() {
      return percentile(latencies, 0.99) / 1e3;
    }
  }

  /**
   * {@code concurrency} platform threads, each with its own kept-alive connection, GET 1 KiB in a
   * loop for {@code nanos}; the first {@link #WARMUP_NANOS} do not count.
   */
  private static Small small(Target t, int concurrency, long nanos) throws Exception {
    long start = System.nanoTime() + WARMUP_NANOS;
    long end = start + nanos;
    java.util.concurrent.atomic.AtomicReference<Cpu> cpu =
        new java.util.concurrent.atomic.AtomicReference<>(new Cpu(-1));
    Thread.ofVirtual()
        .start(
            () -> {
              LockSupport.parkNanos(WARMUP_NANOS);
              cpu.set(new Cpu(-1));
            });
    List<Future<long[]>> parts = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(concurrency)) {
      for (int i = 0; i < concurrency; i++) {
        parts.add(
            pool.submit(
                () -> {
                  long[] samples = new long[Math.max(10_000, MAX_SAMPLES_PER_THREAD / concurrency)];
                  int n = 0;
                  try (RawHttpClient c = new RawHttpClient(t)) {
                    while (true) {
                      long t0 = System.nanoTime();
                      if (t0 >= end) {
                        break;
                      }
                      if (c.get("/small") != BenchBox.SMALL) {
                        throw new IOException("short body");
                      }
                      if (t0 >= start && n < samples.length) {
                        samples[n++] = System.nanoTime() - t0;
                      }
                    }
                  }
                  return Arrays.copyOf(samples, n);
                }));
      }
      long[] all = new long[0];
      for (Future<long[]> f : parts) {
        long[] s = f.get();
        long[] merged = Arrays.copyOf(all, all.length + s.length);
        System.arraycopy(s, 0, merged, all.length, s.length);
        all = merged;
      }
      Arrays.sort(all);
      return new Small(all.length, nanos, all, cpu.get().coresUsed()[0]);
    }
  }

  /** One download or upload of {@code bytes} on a fresh connection: MB/s (10^6 bytes). */
  private static double bulk(Target t, long bytes, boolean download) throws IOException {
    byte[] block = TestBox.pattern(64 * 1024);
    try (RawHttpClient c = new RawHttpClient(t)) {
      long t0 = System.nanoTime();
      if (download) {
        long got = c.get("/download?size=" + bytes);
        if (got != bytes) {
          throw new IOException(t.name() + ": downloaded " + got + " of " + bytes);
        }
      } else {
        c.post("/upload", bytes, block);
      }
      return bytes * 1e3 / (System.nanoTime() - t0);
    }
  }

  /**
   * {@link #VIEWERS} viewers of a camera at {@link #FPS} frames/s of {@link #FRAME} bytes for
   * {@link #MJPEG_SECONDS}; connections are cut one second after the last frame was due.
   */
  private void mjpeg(Target t, GoPeer goAgent) throws Exception {
    int frames = FPS * MJPEG_SECONDS;
    int record = BenchBox.partHead(FRAME).length + FRAME + 2;
    int stampAt = BenchBox.partHead(FRAME).length;
    String path = "/live.mjpeg?frames=" + frames + "&fps=" + FPS + "&size=" + FRAME;
    ConcurrentLinkedQueue<long[]> lags = new ConcurrentLinkedQueue<>();
    List<RawHttpClient> clients = java.util.Collections.synchronizedList(new ArrayList<>());
    CountDownLatch done = new CountDownLatch(VIEWERS);
    AtomicBoolean cut = new AtomicBoolean();
    Cpu cpu = new Cpu(goAgent == null ? -1 : goAgent.pid());
    long rssBefore = rssKiB(-1);
    long goRssBefore = goAgent == null ? 0 : rssKiB(goAgent.pid());
    try (ExecutorService pool = Executors.newFixedThreadPool(VIEWERS)) {
      for (int v = 0; v < VIEWERS; v++) {
        pool.submit(
            () -> {
              long[] lag = new long[frames];
              int n = 0;
              try (RawHttpClient c = new RawHttpClient(t)) {
                clients.add(c);
                InputStream body = c.stream(path);
                byte[] buf = new byte[record];
                while (n < frames && body.readNBytes(buf, 0, record) == record) {
                  lag[n++] = System.nanoTime() - ByteBuffer.wrap(buf).getLong(stampAt);
                }
              } catch (IOException e) {
                if (!cut.get()) {
                  System.err.println(t.name() + " viewer: " + e);
                }
              } finally {
                lags.add(Arrays.copyOf(lag, n));
                done.countDown();
              }
              return null;
            });
      }
      long rssMax = 0;
      long goRssMax = 0;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(MJPEG_SECONDS + 1);
      while (!done.await(200, TimeUnit.MILLISECONDS) && System.nanoTime() < deadline) {
        rssMax = Math.max(rssMax, rssKiB(-1));
        if (goAgent != null) {
          goRssMax = Math.max(goRssMax, rssKiB(goAgent.pid()));
        }
      }
      cut.set(true);
      synchronized (clients) {
        for (RawHttpClient c : clients) {
          c.close();
        }
      }
      double[] cores = cpu.coresUsed();
      long delivered = lags.stream().mapToLong(a -> a.length).sum();
      long[] all = lags.stream().flatMapToLong(Arrays::stream).sorted().toArray();
      String row = VIEWERS + " MJPEG viewers, " + FPS + " × " + (FRAME >> 10) + " KiB, ";
      record(
          t,
          row + "frames delivered (% of " + (long) VIEWERS * frames + ")",
          100.0 * delivered / ((long) VIEWERS * frames));
      record(t, row + "lag p50 (ms)", percentile(all, 0.5) / 1e6);
      record(t, row + "lag p99 (ms)", percentile(all, 0.99) / 1e6);
      record(t, row + "JVM CPU (cores)", cores[0]);
      record(t, row + "JVM RSS before (MiB)", rssBefore / 1024.0);
      record(t, row + "JVM RSS max during (MiB)", rssMax / 1024.0);
      if (goAgent != null) {
        record(t, row + "Go agent CPU (cores)", cores[1]);
        record(t, row + "Go agent RSS before (MiB)", goRssBefore / 1024.0);
        record(t, row + "Go agent RSS max during (MiB)", goRssMax / 1024.0);
      }
    }
  }

  /** VmRSS of this process ({@code pid} -1) or another, in KiB. */
  private static long rssKiB(long pid) {
    Path status = Path.of("/proc", pid < 0 ? "self" : Long.toString(pid), "status");
    try {
      for (String line : Files.readAllLines(status)) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException e) {
      return 0;
    }
    return 0;
  }

  /** CPU time of this JVM and of one other process from now on, as cores used. */
  private static final class Cpu {
    private static final OperatingSystemMXBean OS =
        (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final long pid;
    private final long wall0 = System.nanoTime();
    private final long self0 = OS.getProcessCpuTime();
    private final long other0;

    Cpu(long pid) {
      this.pid = pid;
      this.other0 = otherNanos();
    }

    long cpuNanos() {
      return OS.getProcessCpuTime() - self0;
    }

    double[] coresUsed() {
      double wall = System.nanoTime() - wall0;
      return new double[] {(OS.getProcessCpuTime() - self0) / wall, (otherNanos() - other0) / wall};
    }

    /** utime + stime from /proc/PID/stat, at the usual 100 ticks per second. */
    private long otherNanos() {
      if (pid < 0) {
        return 0;
      }
      try {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L;
      } catch (IOException e) {
        return 0;
      }
    }
  }

  private static double percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    return sorted[Math.min(sorted.length - 1, (int) Math.floor(p * sorted.length))];
  }

  private static double median(List<Double> values) {
    if (values == null || values.isEmpty()) {
      return Double.NaN;
    }
    double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private void print() {
    List<String> chains = targets.keySet().stream().filter(k -> !k.equals("direct")).toList();
    StringBuilder header = new StringBuilder("| Measurement | Direct |");
    StringBuilder rule = new StringBuilder("|---|---:|");
    for (String c : chains) {
      header.append(" Chain, ").append(c).append(" agent | ratio |");
      rule.append("---:|---:|");
    }
    System.out.println();
    System.out.println(header);
    System.out.println(rule);
    for (Map.Entry<String, Map<String, List<Double>>> e : results.entrySet()) {
      String row = e.getKey();
      double direct = median(e.getValue().get("direct"));
      StringBuilder line = new StringBuilder("| ").append(row).append(" | ");
      line.append(format(direct)).append(" |");
      for (String c : chains) {
        double v = median(e.getValue().get(c));
        line.append(' ').append(format(v)).append(" | ");
        line.append(ratio(row, v, direct)).append(" |");
      }
      System.out.println(line);
    }
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "runs: %d (median), bulk: %d MiB, MJPEG: %d viewers × %d s; machine: %d cores, %s %s%n",
        RUNS,
        BULK >> 20,
        VIEWERS,
        MJPEG_SECONDS,
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.vm.name"),
        System.getProperty("java.version"));
  }

  /** Chain/direct, and for latencies also the added time. */
  private static String ratio(String row, double chain, double direct) {
    if (Double.isNaN(chain) || Double.isNaN(direct) || direct == 0) {
      return "";
    }
    String r = String.format(Locale.ROOT, "%.2f", chain / direct);
    if (row.contains("(µs)")) {
      r += String.format(Locale.ROOT, " (+%.0f µs)", chain - direct);
    }
    return r;
  }

  private static String format(double v) {
    if (Double.isNaN(v)) {
      return "—";
    }
    return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.2f", v);
  }
}
