package io.visiona.tunnel.gopeer;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A running instance of the Go yamux peer ({@code src/test/go/yamuxpeer}): hashicorp/yamux over
 * gorilla/websocket, exactly like the edge agents in the field. See {@code src/test/go/README.md}
 * for the modes and the command service every accepted stream runs.
 *
 * <p>The program is built once per JVM into {@code target/go-peer/yamuxpeer} of the working
 * directory, and not at all when that binary is newer than the sources. Without Go the factories
 * throw {@link GoPeerException}: tests fail, they do not skip.
 *
 * <p>Options common to all modes, passed as {@code options}: {@code -window <bytes>}
 * (MaxStreamWindowSize, at least 262144), {@code -keepalive <duration>} (e.g. {@code 5s}; {@code 0}
 * disables) and {@code -backlog <n>}.
 *
 * <p>Every wait is bounded; stdout keeps the last {@value #MAX_LINES} lines, stderr its last
 * {@value #MAX_STDERR_CHARS} characters. {@link #close()} destroys the process and waits for it.
 */
public final class GoPeer implements AutoCloseable {

  /** How long a factory waits for the LISTENING or CONNECTED line. */
  public static final Duration START_TIMEOUT = Duration.ofSeconds(20);

  /** How long {@code go build} may take (a cold build cache compiles net/http). */
  public static final Duration BUILD_TIMEOUT = Duration.ofMinutes(5);

  static final String INSTALL_HINT =
      "install golang-go golang-github-hashicorp-yamux-dev golang-github-gorilla-websocket-dev"
          + " or run bin/test";

  static final int MAX_LINES = 10_000;
  static final int MAX_LINE_CHARS = 8192;
  static final int MAX_STDERR_CHARS = 256 * 1024;

  private static final Duration DESTROY_TIMEOUT = Duration.ofSeconds(5);
  private static final String DIAL_FAILED = "DIAL_FAILED";

  private static final ReentrantLock BUILD_LOCK = new ReentrantLock();
  private static Path builtBinary;
  private static GoPeerException buildFailure;

  /** Peers not yet closed: a shutdown hook destroys them so no process outlives the JVM. */
  private static final Set<GoPeer> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> LIVE.forEach(p -> p.process.destroyForcibly()), "go-peer-cleanup"));
  }

  private final List<String> command;
  private final Process process;
  private final Lines stdout = new Lines();
  private final Tail stderr = new Tail();
  private final Thread stdoutReader;
  private final Thread stderrReader;
  private volatile URI uri;

  private GoPeer(List<String> command) {
    this.command = List.copyOf(command);
    ProcessBuilder pb = new ProcessBuilder(this.command);
    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    try {
      this.process = pb.start();
    } catch (IOException e) {
      throw new GoPeerException("cannot start " + this.command, e);
    }
    LIVE.add(this);
    long pid = process.pid();
    stdoutReader = daemon("go-peer-" + pid + "-stdout", () -> pumpLines(process.getInputStream()));
    stderrReader = daemon("go-peer-" + pid + "-stderr", () -> pumpTail(process.getErrorStream()));
  }

  // ---------------------------------------------------------------- factories

  /**
   * Starts {@code -mode server} on 127.0.0.1 with an ephemeral port. Every accepted stream runs the
   * command service; any number of connections. {@link #uri()} is the {@code ws://} endpoint.
   */
  public static GoPeer server(String... options) {
    GoPeer p = start(concat(List.of("-mode", "server", "-listen", "127.0.0.1:0"), options));
    String line = p.awaitReady("LISTENING ");
    p.uri = URI.create(line.substring("LISTENING ".length()).trim());
    return p;
  }

  /**
   * Starts {@code -mode client}: dials {@code uri} with the given handshake headers, then runs the
   * command service on every stream the remote opens. Returns once the session is up; a rejected
   * handshake throws {@link GoPeerException} whose message contains {@code HTTP <status>}. When the
   * session ends the process prints {@code CLOSED <reason>} and exits (0: normal close, 3: error).
   */
  public static GoPeer client(URI uri, Map<String, String> headers, String... options) {
    List<String> args = new ArrayList<>(List.of("-mode", "client", "-url", uri.toString()));
    args.addAll(headerArgs(headers));
    GoPeer p = start(concat(args, options));
    p.uri = uri;
    p.awaitReady("CONNECTED");
    return p;
  }

  /**
   * Starts {@code -mode agent}: like {@link #client} but every stream the remote opens is spliced
   * to a new TCP connection to {@code target}, half-closes propagated both ways.
   */
  public static GoPeer agent(
      URI uri, Map<String, String> headers, InetSocketAddress target, String... options) {
    String host = target.getHostString();
    if (host.indexOf(':') >= 0) {
      host = "[" + host + "]";
    }
    List<String> args = new ArrayList<>(List.of("-mode", "agent", "-url", uri.toString()));
    args.addAll(headerArgs(headers));
    args.addAll(List.of("-target", host + ":" + target.getPort()));
    GoPeer p = start(concat(args, options));
    p.uri = uri;
    p.awaitReady("CONNECTED");
    return p;
  }

  /**
   * Starts {@code -mode client -run interop} against {@code uri}, whose remote must serve the
   * command service. Does not wait: call {@link #awaitExit} (0 and a last line {@code PASS} on
   * success, 1 and {@code FAIL <reason>} otherwise). Option {@code -mib <n>} sets the bulk volume
   * (default 64).
   */
  public static GoPeer clientInterop(URI uri, String... options) {
    GoPeer p =
        start(
            concat(List.of("-mode", "client", "-url", uri.toString(), "-run", "interop"), options));
    p.uri = uri;
    return p;
  }

  /**
   * Starts {@code -mode bench}: each metric measured {@code runs} times for {@code perMeasurement}
   * (6 metrics). Does not wait: call {@link #awaitExit}, then {@link #benchResults()}.
   */
  public static GoPeer bench(Duration perMeasurement, int runs, String... options) {
    String seconds = Double.toString(perMeasurement.toNanos() / 1e9);
    return start(
        concat(
            List.of("-mode", "bench", "-seconds", seconds, "-runs", Integer.toString(runs)),
            options));
  }

  /** Starts the peer with arbitrary arguments, without waiting for anything. */
  public static GoPeer start(List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(binary().toString());
    cmd.addAll(args);
    return new GoPeer(cmd);
  }

  /**
   * Runs {@code -mode pattern} and returns the Go peer's first {@code n} pattern bytes for {@code
   * seed}, to check {@link Pattern} against the Go implementation.
   */
  public static byte[] pattern(int n, long seed) {
    if (n < 0 || n > 256 << 20) {
      throw new IllegalArgumentException("n must be within [0, 256 MiB]: " + n);
    }
    List<String> cmd =
        List.of(
            binary().toString(),
            "-mode",
            "pattern",
            "-n",
            Integer.toString(n),
            "-seed",
            Pattern.seedArg(seed));
    Process p;
    try {
      p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    } catch (IOException e) {
      throw new GoPeerException("cannot start " + cmd, e);
    }
    try {
      CompletableFuture<byte[]> out =
          CompletableFuture.supplyAsync(
              () -> {
                try (InputStream in = p.getInputStream()) {
                  return in.readNBytes(n + 1);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              },
              r -> daemon("go-peer-pattern", r));
      byte[] bytes = out.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      if (!p.waitFor(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) || p.exitValue() != 0) {
        throw new GoPeerException(cmd + " failed or did not exit");
      }
      return bytes;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GoPeerException("interrupted", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new GoPeerException(cmd + " did not deliver its output", e);
    } finally {
      p.destroyForcibly();
    }
  }

  // ---------------------------------------------------------------- instance API

  /** The {@code ws://} URI: the listening endpoint of a server, the dialed one of the others. */
  public URI uri() {
    URI u = uri;
    if (u == null) {
      throw new IllegalStateException("no URI for " + command);
    }
    return u;
  }

  /** The command line of the process. */
  public List<String> command() {
    return command;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /**
   * Waits for the process to exit and for its output to be read, and returns the exit code.
   *
   * @throws GoPeerException if it is still running after {@code timeout}
   */
  public int awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
        throw new GoPeerException("Go peer did not exit within " + timeout + "\n" + diagnostics());
      }
      stdoutReader.join(DESTROY_TIMEOUT);
      stderrReader.join(DESTROY_TIMEOUT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GoPeerException("interrupted", e);
    }
    return process.exitValue();
  }

  /**
   * Waits until a stdout line (seen so far or later) matches, the output ends, or the timeout
   * passes.
   */
  public Optional<String> awaitStdoutLine(Predicate<String> match, Duration timeout) {
    try {
      return stdout.await(match, System.nanoTime() + timeout.toNanos());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GoPeerException("interrupted", e);
    }
  }

  /** The stdout lines so far (the last {@value #MAX_LINES}). */
  public List<String> stdoutLines() {
    return stdout.snapshot();
  }

  /** The last stdout line so far, or "" if none. */
  public String lastStdoutLine() {
    List<String> lines = stdout.snapshot();
    return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
  }

  /** The stdout so far, lines joined with '\n'. */
  public String stdout() {
    return String.join("\n", stdout.snapshot());
  }

  /** The end of stderr so far (yamux's and the peer's log lines). */
  public String stderr() {
    return stderr.toString();
  }

  /**
   * The {@code RESULT <impl> <metric> <value>} lines of a bench run, keyed {@code "<impl>
   * <metric>"}, in output order.
   */
  public Map<String, Double> benchResults() {
    Map<String, Double> results = new LinkedHashMap<>();
    for (String line : stdout.snapshot()) {
      String[] f = line.trim().split("\\s+");
      if (f.length == 4 && f[0].equals("RESULT")) {
        results.put(f[1] + " " + f[2], Double.parseDouble(f[3]));
      }
    }
    return results;
  }

  /** Command, state, stdout and the end of stderr, for assertion messages. */
  public String diagnostics() {
    String state = process.isAlive() ? "running" : "exit code " + process.exitValue();
    return "Go peer "
        + command
        + " ("
        + state
        + ")\n--- stdout ---\n"
        + stdout()
        + "\n--- stderr (end) ---\n"
        + stderr();
  }

  /** Destroys the process (and any descendants) and waits for it, bounded. Idempotent. */
  @Override
  public void close() {
    try {
      process.descendants().forEach(ProcessHandle::destroy);
      process.destroy();
      if (!process.waitFor(DESTROY_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(DESTROY_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
      }
      stdoutReader.join(DESTROY_TIMEOUT);
      stderrReader.join(DESTROY_TIMEOUT);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    } finally {
      LIVE.remove(this);
    }
  }

  @Override
  public String toString() {
    return "GoPeer" + command.subList(1, command.size()) + " pid " + process.pid();
  }

  /** Waits for the ready line; on failure destroys the process and throws with diagnostics. */
  private String awaitReady(String prefix) {
    Optional<String> line;
    try {
      line =
          stdout.await(
              l -> l.startsWith(prefix) || l.startsWith(DIAL_FAILED),
              System.nanoTime() + START_TIMEOUT.toNanos());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new GoPeerException("interrupted", e);
    }
    if (line.isPresent() && line.get().startsWith(prefix)) {
      return line.get();
    }
    String why =
        line.map(l -> "dial failed: " + l.substring(DIAL_FAILED.length()).trim())
            .orElse(
                process.isAlive()
                    ? "no '" + prefix.trim() + "' line within " + START_TIMEOUT
                    : "exited before '" + prefix.trim() + "'");
    close();
    throw new GoPeerException(why + "\n" + diagnostics());
  }

  // ---------------------------------------------------------------- building

  /**
   * The built Go peer binary: builds it on first use in this JVM unless {@code
   * target/go-peer/yamuxpeer} is newer than every source file.
   *
   * @throws GoPeerException if Go or the Go libraries are missing or the build fails
   */
  public static Path binary() {
    BUILD_LOCK.lock();
    try {
      if (builtBinary != null) {
        return builtBinary;
      }
      if (buildFailure != null) {
        throw new GoPeerException(buildFailure.getMessage(), buildFailure);
      }
      try {
        builtBinary = build();
        return builtBinary;
      } catch (GoPeerException e) {
        buildFailure = e;
        throw e;
      }
    } finally {
      BUILD_LOCK.unlock();
    }
  }

  private static Path build() {
    Path src = sourceDir();
    Path outDir = Path.of(System.getProperty("user.dir"), "target", "go-peer").toAbsolutePath();
    Path bin = outDir.resolve("yamuxpeer");
    try {
      if (Files.isExecutable(bin)
          && Files.getLastModifiedTime(bin).compareTo(newestSource(src)) > 0) {
        return bin;
      }
      Path go = findGo();
      Path gopath = Path.of(System.getProperty("gopeer.gopath", "/usr/share/gocode"));
      checkToolchain(go, gopath);
      Files.createDirectories(outDir);
      Path tmp = outDir.resolve("yamuxpeer.tmp-" + ProcessHandle.current().pid());
      ProcessBuilder pb =
          new ProcessBuilder(go.toString(), "build", "-o", tmp.toString(), ".")
              .directory(src.toFile())
              .redirectErrorStream(true);
      Map<String, String> env = pb.environment();
      env.put("GO111MODULE", "off");
      env.put("GOPATH", gopath.toString());
      env.put("GOCACHE", outDir.resolve("gocache").toString());
      env.put("GOFLAGS", "");
      env.put("GOENV", "off");
      env.put("GOPROXY", "off");
      env.put("GOTOOLCHAIN", "local");
      env.put("CGO_ENABLED", "0");
      Process p = pb.start();
      p.getOutputStream().close();
      Tail out = new Tail();
      Thread reader = daemon("go-build", () -> out.pump(p.getInputStream()));
      if (!p.waitFor(BUILD_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS)) {
        p.destroyForcibly();
        throw new GoPeerException("go build did not finish within " + BUILD_TIMEOUT + ":\n" + out);
      }
      reader.join(DESTROY_TIMEOUT);
      if (p.exitValue() != 0) {
        throw new GoPeerException(
            "go build of " + src + " failed (exit " + p.exitValue() + "):\n" + out);
      }
      Files.move(tmp, bin, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return bin;
    } catch (IOException e) {
      throw new GoPeerException("cannot build the Go peer from " + src, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GoPeerException("interrupted while building the Go peer", e);
    }
  }

  /**
   * The Go sources: system property {@code gopeer.src}, else {@code src/test/go/yamuxpeer} or
   * {@code tunnel-protocol/src/test/go/yamuxpeer} in the working directory or one of its parents
   * (so other modules of the build find them too).
   */
  static Path sourceDir() {
    String prop = System.getProperty("gopeer.src");
    if (prop != null) {
      return Path.of(prop).toAbsolutePath();
    }
    Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    for (Path d = start; d != null; d = d.getParent()) {
      for (Path candidate :
          List.of(
              d.resolve("src/test/go/yamuxpeer"),
              d.resolve("tunnel-protocol/src/test/go/yamuxpeer"))) {
        if (Files.isRegularFile(candidate.resolve("main.go"))) {
          return candidate;
        }
      }
    }
    throw new GoPeerException(
        "Go peer sources (tunnel-protocol/src/test/go/yamuxpeer) not found from "
            + start
            + "; set -Dgopeer.src");
  }

  private static FileTime newestSource(Path src) throws IOException {
    try (Stream<Path> files = Files.list(src)) {
      FileTime newest = FileTime.fromMillis(0);
      for (Path f : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".go"))::iterator) {
        FileTime t = Files.getLastModifiedTime(f);
        if (t.compareTo(newest) > 0) {
          newest = t;
        }
      }
      return newest;
    }
  }

  /** {@code go}: system property {@code gopeer.go}, else PATH, else the usual install places. */
  static Path findGo() {
    String prop = System.getProperty("gopeer.go");
    if (prop != null) {
      return Path.of(prop);
    }
    List<Path> candidates = new ArrayList<>();
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(File.pathSeparator)) {
        if (!dir.isEmpty()) {
          candidates.add(Path.of(dir, "go"));
        }
      }
    }
    candidates.add(Path.of("/usr/lib/go/bin/go"));
    candidates.add(Path.of("/usr/local/go/bin/go"));
    return candidates.stream().filter(Files::isExecutable).findFirst().orElse(null);
  }

  /** Fails with an installation hint unless {@code go} and both Go libraries are present. */
  static void checkToolchain(Path go, Path gopath) {
    if (go == null || !Files.isExecutable(go)) {
      throw new GoPeerException(
          "Go toolchain not found ("
              + (go == null ? "no 'go' on PATH, /usr/lib/go/bin, /usr/local/go/bin" : go)
              + "): "
              + INSTALL_HINT);
    }
    for (String lib : List.of("github.com/hashicorp/yamux", "github.com/gorilla/websocket")) {
      if (!Files.isDirectory(gopath.resolve("src").resolve(lib))) {
        throw new GoPeerException(
            lib + " not found under " + gopath.resolve("src") + ": " + INSTALL_HINT);
      }
    }
  }

  // ---------------------------------------------------------------- helpers

  private static List<String> headerArgs(Map<String, String> headers) {
    List<String> args = new ArrayList<>();
    headers.forEach((name, value) -> args.addAll(List.of("-header", name + ": " + value)));
    return args;
  }

  private static List<String> concat(List<String> head, String... tail) {
    List<String> all = new ArrayList<>(head);
    all.addAll(Arrays.asList(tail));
    return all;
  }

  private static Thread daemon(String name, Runnable r) {
    return Thread.ofPlatform().name(name).daemon().start(r);
  }

  private void pumpLines(InputStream in) {
    try (var r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 8192)) {
      for (String line; (line = r.readLine()) != null; ) {
        stdout.add(line);
      }
    } catch (IOException e) {
      // the process is gone
    } finally {
      stdout.end();
    }
  }

  private void pumpTail(InputStream in) {
    stderr.pump(in);
  }

  /** Stdout lines, bounded, with waiting for a matching line. */
  private static final class Lines {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<String> lines = new ArrayDeque<>();
    private boolean ended;

    void add(String line) {
      String l =
          line.length() > MAX_LINE_CHARS ? line.substring(0, MAX_LINE_CHARS) + " [cut]" : line;
      lock.lock();
      try {
        lines.addLast(l);
        if (lines.size() > MAX_LINES) {
          lines.removeFirst();
        }
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }

    void end() {
      lock.lock();
      try {
        ended = true;
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }

    Optional<String> await(Predicate<String> match, long deadlineNanos)
        throws InterruptedException {
      lock.lock();
      try {
        while (true) {
          for (String l : lines) {
            if (match.test(l)) {
              return Optional.of(l);
            }
          }
          long left = deadlineNanos - System.nanoTime();
          if (ended || left <= 0) {
            return Optional.empty();
          }
          changed.awaitNanos(left);
        }
      } finally {
        lock.unlock();
      }
    }

    List<String> snapshot() {
      lock.lock();
      try {
        return List.copyOf(lines);
      } finally {
        lock.unlock();
      }
    }
  }

  /** The last {@value #MAX_STDERR_CHARS} characters of a stream. */
  private static final class Tail {
    private final StringBuilder text = new StringBuilder();

    void pump(InputStream in) {
      try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
        char[] buf = new char[8192];
        for (int n; (n = r.read(buf)) > 0; ) {
          synchronized (text) {
            text.append(buf, 0, n);
            if (text.length() > MAX_STDERR_CHARS) {
              text.delete(0, text.length() - MAX_STDERR_CHARS);
            }
          }
        }
      } catch (IOException e) {
        // the process is gone
      }
    }

    @Override
    public String toString() {
      synchronized (text) {
        return text.toString();
      }
    }
  }
}
