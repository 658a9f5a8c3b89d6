package io.visiona.proxy.bench;

import io.visiona.proxy.ProxySettings;
import io.visiona.proxy.support.EchoServer;
import io.visiona.proxy.support.JavaAgent;
import io.visiona.proxy.support.MapAuthenticator;
import io.visiona.proxy.support.ProxyFixture;
import io.visiona.proxy.support.RelayLinkClient;
import io.visiona.proxy.ws.FrameDecodeBench;
import io.visiona.tunnel.Stream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Prints remote-proxy's benchmark table (see BENCHMARKS.md):
 *
 * <ol>
 *   <li>idle agents: a proxy in its own JVM, N Java agents connected, heap after a full GC (jcmd),
 *       per agent; then a proxy limited to {@code -Xmx512m} filled until an agent is refused or the
 *       target is reached;
 *   <li>throughput and 1 KiB round trips from the same client, once through the relay link (link →
 *       proxy → tunnel → agent → TCP service) and once directly on the agent's tunnel session
 *       (tunnel → agent → TCP service), same run.
 * </ol>
 *
 * Run: {@code ./mvnw -B -pl remote-proxy -am -Pbench -DskipTests verify}; properties {@code
 * bench.agents} (default 2000), {@code bench.fill} (10000), {@code bench.runs} (5), {@code
 * bench.skipIdle} (false: measure idle agents), {@code bench.linkSendBuffer} (40000: bytes per
 * WebSocket message from the relay link client), {@code bench.frames} (empty; {@code true} adds
 * WebSocket frame decoding rows, {@code only} prints just those).
 */
public final class ProxyBenchmark {

  private static final int AGENTS = Integer.getInteger("bench.agents", 2000);
  private static final int FILL = Integer.getInteger("bench.fill", 10_000);
  private static final int RUNS = Integer.getInteger("bench.runs", 5);
  private static final String FRAMES = System.getProperty("bench.frames", "");
  private static final int LINK_SEND_BUFFER = Integer.getInteger("bench.linkSendBuffer", 40_000);
  private static final long THROUGHPUT_BYTES = 256L << 20;
  private static final int ROUND_TRIPS = 2000;

  private ProxyBenchmark() {}

  public static void main(String[] args) throws Exception {
    List<String> rows = new ArrayList<>();
    if (!FRAMES.isEmpty()) {
      FrameDecodeBench.run(rows);
    }
    if (!FRAMES.equals("only")) {
      if (!Boolean.getBoolean("bench.skipIdle")) {
        idleAgents(rows);
      }
      relayVersusDirect(rows);
    }
    System.out.println();
    System.out.println("| Measurement | Value |");
    System.out.println("|---|---|");
    rows.forEach(System.out::println);
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "machine: %d cores, %s %s, %s%n",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.vm.name"),
        System.getProperty("java.version"),
        System.getProperty("os.name"));
    System.exit(0);
  }

  // ---------------------------------------------------------------- idle agents and heap

  private static void idleAgents(List<String> rows) throws Exception {
    try (ChildProxy proxy = ChildProxy.start("-Xmx4g", "-XX:+UseSerialGC")) {
      double base = proxy.heapAfterGc();
      List<JavaAgent> agents = connect(proxy, AGENTS, Integer.MAX_VALUE);
      double loaded = proxy.heapAfterGc();
      double perAgent = (loaded - base) / agents.size();
      rows.add(row("proxy heap after GC, no agents", mib(base)));
      rows.add(row("proxy heap after GC, " + agents.size() + " idle agents", mib(loaded)));
      rows.add(row("heap per idle agent", String.format(Locale.ROOT, "%.0f KiB", perAgent / 1024)));
      rows.add(row("projected heap for 10,000 agents", mib(base + 10_000 * perAgent)));
      agents.forEach(JavaAgent::close);
    }
    try (ChildProxy proxy = ChildProxy.start("-Xmx512m", "-XX:+UseSerialGC")) {
      List<JavaAgent> agents = new ArrayList<>();
      int healthy = 0;
      String stop = "target reached";
      while (agents.size() < FILL) {
        List<JavaAgent> batch =
            connect(proxy, agents.size(), Math.min(256, FILL - agents.size()), 1);
        agents.addAll(batch);
        int listed;
        try {
          listed = proxy.listed();
        } catch (Exception e) {
          stop = "proxy stopped answering (heap exhausted) after " + agents.size() + " connects";
          break;
        }
        if (listed < agents.size()) {
          stop = "agents refused or dropped: " + listed + " listed of " + agents.size();
          healthy = listed;
          break;
        }
        healthy = listed;
      }
      rows.add(
          row(
              "idle agents held by a proxy at -Xmx512m (target " + FILL + ")",
              healthy + " (" + stop + ")"));
      agents.forEach(JavaAgent::close);
    }
  }

  /** Connects {@code n} agents, 64 at a time; stops after {@code maxFailures}. */
  private static List<JavaAgent> connect(ChildProxy proxy, int n, int maxFailures)
      throws Exception {
    return connect(proxy, 0, n, maxFailures);
  }

  /** Connects agents {@code dev-first..} up to {@code n} of them, 64 at a time. */
  private static List<JavaAgent> connect(ChildProxy proxy, int first, int n, int maxFailures)
      throws Exception {
    List<JavaAgent> agents = new ArrayList<>();
    int failures = 0;
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      InetSocketAddress nowhere = new InetSocketAddress(InetAddress.getLoopbackAddress(), 9);
      for (int start = first; start < first + n && failures < maxFailures; start += 64) {
        List<Future<JavaAgent>> batch = new ArrayList<>();
        for (int i = start; i < Math.min(first + n, start + 64); i++) {
          String credential = "dev-" + i;
          batch.add(pool.submit(() -> JavaAgent.connect(proxy.tunnel(), credential, nowhere)));
        }
        for (Future<JavaAgent> f : batch) {
          try {
            agents.add(f.get(60, TimeUnit.SECONDS));
          } catch (Exception e) {
            failures++;
          }
        }
      }
    }
    return agents;
  }

  // ---------------------------------------------------------------- relay versus direct

  private interface Opener {
    Stream open() throws Exception;
  }

  private static void relayVersusDirect(List<String> rows) throws Exception {
    try (EchoServer echo = new EchoServer();
        SinkServer sink = new SinkServer();
        ProxyFixture f =
            new ProxyFixture(
                ProxySettings.loopback(),
                new MapAuthenticator().add("e", "echo").add("s", "sink").add("o", "source"));
        JavaAgent echoAgent = JavaAgent.connect(f.tunnelUri(), "e", echo.address());
        JavaAgent sinkAgent = JavaAgent.connect(f.tunnelUri(), "s", sink.address());
        SourceServer source = new SourceServer();
        JavaAgent sourceAgent = JavaAgent.connect(f.tunnelUri(), "o", source.address());
        RelayLinkClient link = f.link(LINK_SEND_BUFFER)) {
      while (f.proxy.registry().size() < 3) {
        Thread.onSpinWait();
      }
      Opener relaySink = () -> link.open("sink");
      Opener directSink = () -> f.proxy.registry().openStream("sink");
      Opener relayEcho = () -> link.open("echo");
      Opener directEcho = () -> f.proxy.registry().openStream("echo");
      Opener relaySource = () -> link.open("source");
      Opener directSource = () -> f.proxy.registry().openStream("source");
      throughput(directSink); // warm-up
      throughput(relaySink);
      double[] relayD = new double[RUNS];
      double[] directD = new double[RUNS];
      double[] relayT = new double[RUNS];
      double[] directT = new double[RUNS];
      double[] relayR = new double[RUNS];
      double[] directR = new double[RUNS];
      for (int i = 0; i < RUNS; i++) {
        relayT[i] = throughput(relaySink);
        directT[i] = throughput(directSink);
        relayD[i] = download(relaySource);
        directD[i] = download(directSource);
        relayR[i] = roundTrips(relayEcho);
        directR[i] = roundTrips(directEcho);
      }
      double rt = median(relayT);
      double dt = median(directT);
      double rr = median(relayR);
      double dr = median(directR);
      rows.add(row("throughput, relay link → proxy → agent (one stream)", mibps(rt)));
      rows.add(row("throughput, directly on the agent's tunnel (one stream)", mibps(dt)));
      rows.add(row("throughput ratio relay / direct", ratio(rt / dt)));
      double rd = median(relayD);
      double dd = median(directD);
      rows.add(row("throughput agent → client, through the relay link (one stream)", mibps(rd)));
      rows.add(row("throughput agent → client, directly on the tunnel (one stream)", mibps(dd)));
      rows.add(row("throughput ratio agent → client, relay / direct", ratio(rd / dd)));
      rows.add(row("1 KiB round trip, relay link → proxy → agent (median of runs)", micros(rr)));
      rows.add(row("1 KiB round trip, directly on the agent's tunnel", micros(dr)));
      rows.add(row("round-trip ratio relay / direct", ratio(rr / dr)));
    }
  }

  /** MiB/s of one stream writing {@link #THROUGHPUT_BYTES} to a sink that reports the count. */
  private static double throughput(Opener opener) throws Exception {
    Stream s = opener.open();
    byte[] block = new byte[64 * 1024];
    long start = System.nanoTime();
    OutputStream out = s.outputStream();
    for (long left = THROUGHPUT_BYTES; left > 0; left -= block.length) {
      out.write(block);
    }
    s.closeWrite();
    byte[] count = s.inputStream().readAllBytes();
    long nanos = System.nanoTime() - start;
    s.close();
    if (count.length != 8 || java.nio.ByteBuffer.wrap(count).getLong() != THROUGHPUT_BYTES) {
      throw new IOException("sink saw " + Arrays.toString(count));
    }
    return THROUGHPUT_BYTES / (1024.0 * 1024.0) / (nanos / 1e9);
  }

  /** MiB/s of one stream reading {@link #THROUGHPUT_BYTES} from a source service. */
  private static double download(Opener opener) throws Exception {
    Stream s = opener.open();
    s.closeWrite();
    byte[] buf = new byte[64 * 1024];
    long start = System.nanoTime();
    long total = 0;
    int n;
    InputStream in = s.inputStream();
    while ((n = in.read(buf)) >= 0) {
      total += n;
    }
    long nanos = System.nanoTime() - start;
    s.close();
    if (total != THROUGHPUT_BYTES) {
      throw new IOException("source sent " + total);
    }
    return total / (1024.0 * 1024.0) / (nanos / 1e9);
  }

  /** Writes {@link #THROUGHPUT_BYTES} to every connection, then closes it. */
  private static final class SourceServer implements AutoCloseable {
    final ServerSocket listener;

    SourceServer() throws IOException {
      listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread.ofVirtual()
          .start(
              () -> {
                try {
                  while (true) {
                    Socket s = listener.accept();
                    Thread.ofVirtual().start(() -> source(s));
                  }
                } catch (IOException closed) {
                  // stopped
                }
              });
    }

    static void source(Socket s) {
      try (s) {
        byte[] block = new byte[64 * 1024];
        OutputStream out = s.getOutputStream();
        for (long left = THROUGHPUT_BYTES; left > 0; left -= block.length) {
          out.write(block);
        }
        s.shutdownOutput();
        s.getInputStream().transferTo(OutputStream.nullOutputStream());
      } catch (IOException e) {
        // peer gone
      }
    }

    InetSocketAddress address() {
      return new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort());
    }

    @Override
    public void close() throws IOException {
      listener.close();
    }
  }

  /** Median nanoseconds of a 1 KiB write-then-read-back over one stream to the echo service. */
  private static double roundTrips(Opener opener) throws Exception {
    Stream s = opener.open();
    byte[] msg = new byte[1024];
    byte[] back = new byte[1024];
    double[] samples = new double[ROUND_TRIPS];
    InputStream in = s.inputStream();
    OutputStream out = s.outputStream();
    for (int i = 0; i < ROUND_TRIPS; i++) {
      long t = System.nanoTime();
      out.write(msg);
      int got = 0;
      while (got < back.length) {
        int n = in.read(back, got, back.length - got);
        if (n < 0) {
          throw new IOException("echo ended");
        }
        got += n;
      }
      samples[i] = System.nanoTime() - t;
    }
    s.closeWrite();
    in.readAllBytes();
    s.close();
    return median(samples);
  }

  /** Reads until EOF, answers the count as 8 bytes, closes. */
  private static final class SinkServer implements AutoCloseable {
    final ServerSocket listener;

    SinkServer() throws IOException {
      listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread.ofVirtual()
          .start(
              () -> {
                try {
                  while (true) {
                    Socket s = listener.accept();
                    Thread.ofVirtual().start(() -> sink(s));
                  }
                } catch (IOException closed) {
                  // stopped
                }
              });
    }

    static void sink(Socket s) {
      try (s) {
        long n = s.getInputStream().transferTo(OutputStream.nullOutputStream());
        new DataOutputStream(s.getOutputStream()).writeLong(n);
        s.shutdownOutput();
      } catch (IOException e) {
        // peer gone
      }
    }

    InetSocketAddress address() {
      return new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort());
    }

    @Override
    public void close() throws IOException {
      listener.close();
    }
  }

  // ---------------------------------------------------------------- formatting

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private static String row(String what, String value) {
    String row = "| " + what + " | " + value + " |";
    System.out.println("RESULT " + row);
    return row;
  }

  private static String mib(double bytes) {
    return String.format(Locale.ROOT, "%.0f MiB", bytes / (1024 * 1024));
  }

  private static String mibps(double v) {
    return String.format(Locale.ROOT, "%.0f MiB/s", v);
  }

  private static String micros(double nanos) {
    return String.format(Locale.ROOT, "%.0f µs", nanos / 1000);
  }

  private static String ratio(double r) {
    return String.format(Locale.ROOT, "%.2f", r);
  }
}
