package io.visiona.server.listener;

import static org.assertj.core.api.Assertions.assertThat;

import io.helidon.http.Headers;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http1.Http1ConnectionListener;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A slow request head is cut off; complete requests on the same listener are served. */
@Timeout(60)
class RequestHeadTimeoutTest {

  static final Duration HEAD = Duration.ofMillis(1000);

  private final List<String> seen = new CopyOnWriteArrayList<>();
  private WebServer server;

  @BeforeEach
  void start() {
    server = start(HEAD);
  }

  /** A listener with the head deadline {@link #HEAD} and the given HTTP idle timeout. */
  private WebServer start(Duration httpIdle) {
    io.helidon.webserver.WebServerConfig.Builder b =
        WebServer.builder()
            .host("127.0.0.1")
            .port(0)
            .shutdownHook(false)
            .routing(r -> r.get("/hello", (req, res) -> res.send("hello")));
    ListenerSettings.publicDefaults(100)
        .withRequestHeadTimeout(HEAD)
        .withHttpIdleTimeout(httpIdle)
        .applyTo(
            b,
            new Http1ConnectionListener() {
              @Override
              public void headers(ConnectionContext ctx, Headers headers) {
                seen.add("headers");
              }
            });
    return b.build().start();
  }

  @AfterEach
  void stop() {
    server.stop();
  }

  private Socket connect() throws IOException {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port());
    s.setSoTimeout(20_000);
    return s;
  }

  @Test
  void headersTrickledAfterTheRequestLineAreCutOff() throws Exception {
    try (Socket s = connect()) {
      OutputStream out = s.getOutputStream();
      long start = System.nanoTime();
      out.write("GET /hello HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      // One header line every 100 ms, never the blank line: only the head deadline stops it.
      boolean closed = false;
      for (int i = 0; i < 100 && !closed; i++) {
        try {
          out.write(("X-Slow-" + i + ": 1\r\n").getBytes(StandardCharsets.US_ASCII));
          out.flush();
          s.setSoTimeout(100);
          closed = s.getInputStream().read() == -1;
        } catch (java.net.SocketTimeoutException e) {
          // still open
        } catch (SocketException e) {
          closed = true;
        }
      }
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertThat(closed).as("closed by the server").isTrue();
      assertThat(millis).isBetween(HEAD.toMillis() - 100, HEAD.toMillis() + 2000);
    }
  }

  @Test
  void aRequestLineTrickledIsCutOff() throws Exception {
    try (Socket s = connect()) {
      OutputStream out = s.getOutputStream();
      long start = System.nanoTime();
      boolean closed = false;
      byte[] line = "GET /hello-there-slowly-very-slowly-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx".getBytes();
      for (int i = 0; i < line.length && !closed; i++) {
        try {
          out.write(line[i]);
          out.flush();
          s.setSoTimeout(100);
          closed = s.getInputStream().read() == -1;
        } catch (java.net.SocketTimeoutException e) {
          // still open
        } catch (SocketException e) {
          closed = true;
        }
      }
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertThat(closed).as("closed by the server").isTrue();
      // Helidon's idle timer runs every half timeout and its clock ticks once a second: closed
      // within 1.5 timeouts plus a second (plus slack), possibly a second early.
      assertThat(millis).isLessThan(HEAD.toMillis() * 3 / 2 + 1000 + 2000);
    }
  }

  @Test
  void completeRequestsAreServedOnTheSameConnectionAfterASlowButTimelyOne() throws Exception {
    try (Socket s = connect()) {
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      for (int i = 0; i < 3; i++) {
        out.write("GET /hello HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String response = readResponse(in);
        assertThat(response).startsWith("HTTP/1.1 200").endsWith("hello");
      }
    }
    // Another receive listener on the same listener runs beside the deadline.
    assertThat(seen).containsExactly("headers", "headers", "headers");
  }

  @Test
  void aDeadlineOfAnEarlierRequestDoesNotCutALaterOne() throws Exception {
    // Only the head deadline here: Helidon's idle timer (1 s clock) stays out of it.
    server.stop();
    server = start(Duration.ofSeconds(30));
    try (Socket s = connect()) {
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      long end = System.nanoTime() + HEAD.toNanos() * 2;
      int served = 0;
      while (System.nanoTime() < end) {
        out.write("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        assertThat(readResponse(in)).startsWith("HTTP/1.1 200");
        served++;
      }
      assertThat(served).isGreaterThan(10);
    }
  }

  /** Reads one response with a Content-Length body. */
  static String readResponse(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        throw new IOException("connection closed after: " + head);
      }
      head.append((char) c);
    }
    int length = 0;
    for (String line : head.toString().split("\r\n")) {
      if (line.toLowerCase().startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    byte[] body = in.readNBytes(length);
    return head + new String(body, StandardCharsets.UTF_8);
  }
}
