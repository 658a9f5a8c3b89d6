package io.visiona.proxy.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.visiona.proxy.bench.ChildProxy;
import io.visiona.proxy.support.ChecksumBox;
import io.visiona.proxy.support.JavaAgent;
import io.visiona.proxy.support.TestSigning;
import io.visiona.server.signing.Direction;
import io.visiona.server.signing.SignedHttpRequests;
import jakarta.json.Json;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * 64 concurrent forwards at the body limits (half 8 MiB requests, half 8 MiB answers) against a
 * proxy in its own JVM with a 256 MiB heap and 64 idle agents: the proxy stays healthy, no tunnel
 * is lost, and every forward is either correct (checksummed end to end) or 503 FORWARD_BUSY. Prints
 * the measurement (see BENCHMARKS.md).
 */
@Timeout(600)
class ForwardMemoryTest {

  private static final int IDLE_AGENTS = 64;
  private static final int WORKERS = 8;
  private static final int FORWARDS = 64;
  private static final int BODY = 8 << 20;

  private final HttpClient http = HttpClient.newHttpClient();
  private final SignedHttpRequests signed =
      TestSigning.http(
          TestSigning.signer(Direction.API_TO_PROXY, TestSigning.apiToProxy(), Clock.systemUTC()));

  private record Outcome(int status, String code) {}

  @Test
  void burstAtTheBodyLimitsLeavesA256MiBProxyHealthy(@TempDir Path tmp) throws Exception {
    Path stderr = tmp.resolve("proxy-stderr.txt");
    List<JavaAgent> agents = new ArrayList<>();
    try (ChildProxy proxy = ChildProxy.start(stderr, "-Xmx256m");
        ChecksumBox box = new ChecksumBox();
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      InetSocketAddress nowhere = new InetSocketAddress(InetAddress.getLoopbackAddress(), 9);
      for (int i = 0; i < IDLE_AGENTS; i++) {
        agents.add(JavaAgent.connect(proxy.tunnel(), "dev-idle-" + i, nowhere));
      }
      for (int w = 0; w < WORKERS; w++) {
        agents.add(JavaAgent.connect(proxy.tunnel(), "dev-worker-" + w, box.address()));
      }
      await().atMost(Duration.ofSeconds(60)).until(() -> proxy.listed() == agents.size());
      long rssBefore = proxy.rss();
      double heapBefore = proxy.heapAfterGc();

      // One 8 MiB request body per worker device; the box answers its SHA-256.
      byte[][] requests = new byte[WORKERS][];
      String[] sums = new String[WORKERS];
      for (int w = 0; w < WORKERS; w++) {
        byte[] body = ChecksumBox.blob(1000 + w, BODY);
        sums[w] = ChecksumBox.sha256Hex(body);
        requests[w] =
            ("{\"device_id\":\"dev-worker-"
                    + w
                    + "\",\"method\":\"POST\",\"path\":\"/sum\",\"body\":\""
                    + Base64.getEncoder().encodeToString(body)
                    + "\"}")
                .getBytes(StandardCharsets.US_ASCII);
      }

      List<Future<Outcome>> burst = new ArrayList<>();
      for (int i = 0; i < FORWARDS; i++) {
        int n = i;
        burst.add(pool.submit(() -> forward(proxy, n, requests, sums)));
      }
      int ok = 0;
      int busy = 0;
      for (Future<Outcome> f : burst) {
        Outcome o = f.get(300, TimeUnit.SECONDS);
        if (o.status() == 200) {
          ok++;
        } else {
          assertThat(o).isEqualTo(new Outcome(503, "FORWARD_BUSY"));
          busy++;
        }
      }

      assertThat(proxy.plainGet("/observe/health").statusCode()).isEqualTo(200);
      assertThat(proxy.listed()).isEqualTo(agents.size());
      assertThat(agents).noneMatch(a -> a.session().isClosed());
      assertThat(Files.readString(stderr)).doesNotContain("OutOfMemoryError");
      assertThat(ok).as("some forwards get through").isPositive();
      assertThat(ok + busy).isEqualTo(FORWARDS);
      // Still serving after the burst.
      assertThat(forward(proxy, 0, requests, sums).status()).isEqualTo(200);
      assertThat(forward(proxy, 1, requests, sums).status()).isEqualTo(200);

      long rssAfter = proxy.rss();
      double heapAfter = proxy.heapAfterGc();
      System.out.printf(
          Locale.ROOT,
          "FORWARD-BURST -Xmx256m, %d idle + %d worker agents, %d forwards: %d x 200, %d x 503"
              + " FORWARD_BUSY; RSS %d -> %d MiB; heap after GC %.1f -> %.1f MiB%n",
          IDLE_AGENTS,
          WORKERS,
          FORWARDS,
          ok,
          busy,
          rssBefore >> 20,
          rssAfter >> 20,
          heapBefore / (1 << 20),
          heapAfter / (1 << 20));
    } finally {
      agents.forEach(JavaAgent::close);
    }
  }

  /** Even: an 8 MiB request body; odd: an 8 MiB answer. Checks the content of a 200. */
  private Outcome forward(ChildProxy proxy, int n, byte[][] requests, String[] sums)
      throws Exception {
    int w = n % WORKERS;
    byte[] json =
        n % 2 == 0
            ? requests[w]
            : ("{\"device_id\":\"dev-worker-"
                    + w
                    + "\",\"method\":\"GET\",\"path\":\"/blob?seed="
                    + n
                    + "&n="
                    + BODY
                    + "\"}")
                .getBytes(StandardCharsets.US_ASCII);
    HttpResponse<InputStream> r =
        http.send(
            signed
                .request("POST", proxy.internal("/internal/forward/http"), json)
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(120))
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream in = new BufferedInputStream(r.body(), 64 * 1024)) {
      if (r.statusCode() != 200) {
        String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        String code =
            Json.createReader(new StringReader(text))
                .readObject()
                .getJsonObject("error")
                .getString("code");
        return new Outcome(r.statusCode(), code);
      }
      byte[] decodedSha = answerBodySha(in);
      byte[] expected =
          n % 2 == 0
              ? ChecksumBox.sha256().digest(sums[w].getBytes(StandardCharsets.US_ASCII))
              : ChecksumBox.sha256().digest(ChecksumBox.blob(n, BODY));
      assertThat(HexFormat.of().formatHex(decodedSha))
          .as("forward %d", n)
          .isEqualTo(HexFormat.of().formatHex(expected));
      return new Outcome(200, "");
    }
  }

  /** SHA-256 of the decoded "body" of an answer, read as a stream (body is the last member). */
  private static byte[] answerBodySha(InputStream in) throws IOException {
    byte[] marker = "\"body\":\"".getBytes(StandardCharsets.US_ASCII);
    int matched = 0;
    while (matched < marker.length) {
      int c = in.read();
      if (c < 0) {
        throw new IOException("answer has no body");
      }
      matched = c == marker[matched] ? matched + 1 : (c == marker[0] ? 1 : 0);
    }
    InputStream untilQuote =
        new InputStream() {
          @Override
          public int read() throws IOException {
            int c = in.read();
            return c == '"' ? -1 : c;
          }
        };
    MessageDigest sha = ChecksumBox.sha256();
    try (InputStream decoded =
        new DigestInputStream(
            Base64.getDecoder().wrap(new BufferedInputStream(untilQuote, 64 * 1024)), sha)) {
      decoded.transferTo(java.io.OutputStream.nullOutputStream());
    }
    return sha.digest();
  }
}
