package io.visiona.api.relay;

import io.visiona.server.signing.SignedHttpRequests;
import io.visiona.tunnel.Config;
import io.visiona.tunnel.Session;
import io.visiona.tunnel.Stream;
import io.visiona.tunnel.WebSocketTransport;
import io.visiona.tunnel.agent.Backoff;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * The api-server's relay link to one remote-proxy replica: one yamux-over-WebSocket session to
 * {@code GET /internal/link} (signed upgrade), opened when {@link RelayLinks} sees the replica live
 * and kept open: when it ends it is dialled again with jittered backoff. Relay streams are opened
 * on demand, each naming its device in the link header (ADR 0020). While there is no link, opening
 * a stream fails at once with {@link RelayException.Reason#RELAY_UNAVAILABLE}; the rest of the
 * api-server is unaffected.
 */
public final class RelayLink implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(RelayLink.class.getName());
  private static final int MAX_ANSWER_LINE = 512;
  private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

  private final RelaySettings settings;
  private final String replica;
  private final URI linkUrl;
  private final Optional<SignedHttpRequests> signer;
  private final HttpClient http = WebSocketTransport.newHttpClient();
  private final Backoff backoff;
  private final CountDownLatch stop = new CountDownLatch(1);
  private final AtomicLong connects = new AtomicLong();
  private final AtomicLong endedBytesIn = new AtomicLong();
  private final AtomicLong endedBytesOut = new AtomicLong();
  private RelayMetrics metrics;
  private volatile Session session;
  private volatile Instant connectedSince;
  private volatile String lastFailure = "not connected yet";
  private Thread connector;

  public RelayLink(
      RelaySettings settings, String replica, URI linkUrl, Optional<SignedHttpRequests> signer) {
    this.settings = settings;
    this.replica = replica;
    this.linkUrl = linkUrl;
    this.signer = signer;
    this.backoff =
        new Backoff(
            Duration.ofMillis(500), settings.maxBackoff(), Duration.ofSeconds(30), new Random());
  }

  /** Starts dialling in the background; without signing keys there is never a link. */
  public RelayLink start() {
    metrics = new RelayMetrics(this, replica);
    if (signer.isEmpty()) {
      lastFailure = "no signing keys (api.signing.keys.api-to-proxy)";
      LOG.warning("relay link disabled: no signing keys configured");
      return this;
    }
    connector = Thread.ofVirtual().name("relay-link-" + replica).start(this::connectLoop);
    return this;
  }

  private void connectLoop() {
    while (stop.getCount() > 0) {
      Duration wait;
      try {
        Session s = dial();
        Instant since = Instant.now();
        session = s;
        connectedSince = since;
        connects.incrementAndGet();
        LOG.info("relay link to " + linkUrl + " up");
        awaitEnd(s);
        endedBytesIn.addAndGet(s.stats().bytesIn());
        endedBytesOut.addAndGet(s.stats().bytesOut());
        session = null;
        connectedSince = null;
        lastFailure = "link ended";
        LOG.warning("relay link to " + linkUrl + " ended; reconnecting");
        wait = backoff.sessionEnded(Duration.between(since, Instant.now()), false);
      } catch (IOException e) {
        lastFailure = e.getMessage();
        LOG.fine(() -> "relay link dial failed: " + e.getMessage());
        wait = backoff.failed();
      }
      try {
        if (stop.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
          return;
        }
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private Session dial() throws IOException {
    WebSocketTransport transport =
        WebSocketTransport.connect(
            http,
            linkUrl,
            signer.orElseThrow().upgradeHeaders(linkUrl),
            settings.connectTimeout(),
            SEND_TIMEOUT);
    // The api-server is the yamux client of the link: it opens every stream (ADR 0020).
    return Session.client(transport, Config.builder().sessionMemoryBudget(256L << 20).build());
  }

  private void awaitEnd(Session s) {
    try {
      while (stop.getCount() > 0 && !s.awaitClosed(Duration.ofSeconds(1))) {
        // wake up once a second to notice close()
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** True while the link is up. */
  public boolean connected() {
    Session s = session;
    return s != null && !s.isClosed();
  }

  /** Successful link connections so far (a reconnect counts again). */
  public long connects() {
    return connects.get();
  }

  /** Relay streams open on the current link. */
  public int openStreams() {
    Session s = session;
    return s == null ? 0 : s.stats().openStreams();
  }

  /** Bytes received ({@code in}) or sent over every link so far. */
  public long bytes(boolean in) {
    Session s = session;
    long current = s == null ? 0 : in ? s.stats().bytesIn() : s.stats().bytesOut();
    return (in ? endedBytesIn.get() : endedBytesOut.get()) + current;
  }

  /**
   * A relay stream to {@code deviceId}'s box, after the proxy answered {@code ok}. The caller owns
   * the stream (close or reset it).
   */
  public Stream open(String deviceId) throws RelayException {
    Session s = session;
    if (s == null || s.isClosed()) {
      throw new RelayException(
          RelayException.Reason.RELAY_UNAVAILABLE,
          "no relay link to remote-proxy replica " + replica + ": " + lastFailure);
    }
    Stream stream;
    try {
      stream = s.openStream();
      stream
          .outputStream()
          .write(("device " + deviceId + "\n").getBytes(StandardCharsets.US_ASCII));
      stream.outputStream().flush();
    } catch (IOException e) {
      throw new RelayException(
          RelayException.Reason.RELAY_UNAVAILABLE, "relay stream not opened: " + e.getMessage());
    }
    String answer = answerLine(stream);
    if (answer.equals("ok")) {
      return stream;
    }
    stream.reset();
    throw refusal(answer);
  }

  /** The proxy's refusal of a relay stream ({@code error CODE message}, ADR 0020) as a reason. */
  static RelayException refusal(String answer) {
    String[] parts = answer.split(" ", 3);
    String code = parts.length >= 2 && parts[0].equals("error") ? parts[1] : "";
    return switch (code) {
      case "TUNNEL_DISCONNECTED" ->
          new RelayException(RelayException.Reason.DEVICE_OFFLINE, "device is not connected");
      // The device's tunnel is at capacity (streams, or the memory their windows take): retry.
      case "TOO_MANY_STREAMS", "MEMORY_BUDGET_EXHAUSTED" ->
          new RelayException(
              RelayException.Reason.TOO_MANY_STREAMS, "the device's tunnel has no stream free");
      default ->
          new RelayException(RelayException.Reason.RELAY_REFUSED, "proxy answered: " + answer);
    };
  }

  /** The proxy's one-line answer, read within the open timeout. */
  private String answerLine(Stream stream) throws RelayException {
    stream.setReadTimeout(settings.openTimeout());
    try {
      String line = readLine(stream.inputStream());
      stream.setReadTimeout(Duration.ZERO);
      return line;
    } catch (java.net.SocketTimeoutException e) {
      stream.reset();
      throw new RelayException(
          RelayException.Reason.RELAY_REFUSED,
          "proxy did not answer within " + settings.openTimeout());
    } catch (IOException e) {
      stream.reset();
      throw new RelayException(
          RelayException.Reason.RELAY_UNAVAILABLE, "relay stream failed: " + e.getMessage());
    }
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0 && c != '\n') {
      if (line.size() >= MAX_ANSWER_LINE) {
        throw new IOException("answer line too long");
      }
      line.write(c);
    }
    if (c < 0) {
      throw new IOException("relay stream ended before the answer");
    }
    return line.toString(StandardCharsets.UTF_8).strip();
  }

  /** The replica this link goes to. */
  public String replica() {
    return replica;
  }

  /** The relay link endpoint dialled. */
  public URI linkUrl() {
    return linkUrl;
  }

  /** For readiness: connected and since when, or the last failure. */
  public String describe() {
    Instant since = connectedSince;
    return connected() && since != null
        ? "connected since " + since + " (" + connects.get() + " connects)"
        : "down: " + lastFailure + " (" + connects.get() + " connects)";
  }

  @Override
  public void close() {
    stop.countDown();
    if (metrics != null) {
      metrics.close();
    }
    Session s = session;
    if (s != null) {
      s.close();
    }
    if (connector != null) {
      try {
        connector.join(Duration.ofSeconds(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
