package io.visiona.server.listener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.helidon.webserver.WebServer;
import io.visiona.server.logging.LogThrottle;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Abandoned half-sent requests: one short line in the log, not a stack trace per connection. */
@Timeout(60)
class ConnectionErrorLogTest {

  static final int CONNECTIONS = 30;

  private final List<LogRecord> records = new CopyOnWriteArrayList<>();
  private final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
            records.add(record);
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };
  private final Logger http1 = Logger.getLogger("io.helidon.webserver.http1.Http1Connection");
  private WebServer server;

  @BeforeEach
  void start() {
    http1.addHandler(capture);
    server =
        WebServer.builder()
            .host("127.0.0.1")
            .port(0)
            .shutdownHook(false)
            .routing(r -> r.get("/hello", (req, res) -> res.send("hello")))
            .build()
            .start();
  }

  @AfterEach
  void stop() {
    server.stop();
    http1.removeHandler(capture);
    http1.setFilter(null);
  }

  @Test
  void abandonedRequestHeadsLogOneLineAtMost() throws Exception {
    ConnectionErrorLog filter = ConnectionErrorLog.install();
    for (int i = 0; i < CONNECTIONS; i++) {
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
        OutputStream out = s.getOutputStream();
        out.write("GET /hello HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
      } // closed half-way through the head
    }
    await().until(() -> filter.warnings() == CONNECTIONS);
    assertThat(records).hasSize(1);
    LogRecord logged = records.getFirst();
    assertThat(logged.getThrown()).isNull();
    assertThat(logged.getMessage())
        .startsWith("Internal server error: RequestException")
        .contains("InsufficientDataAvailableException")
        .doesNotContain("\n");
  }

  @Test
  void theFirstWarningAfterAQuietIntervalCountsTheDroppedOnes() {
    AtomicLong now = new AtomicLong(42);
    ConnectionErrorLog filter =
        new ConnectionErrorLog(new LogThrottle(1, Duration.ofSeconds(10), now::get));
    LogRecord first = new LogRecord(Level.WARNING, "Internal server error");
    first.setThrown(new IllegalStateException("boom", new java.io.EOFException()));
    assertThat(filter.isLoggable(first)).isTrue();
    assertThat(first.getMessage())
        .isEqualTo("Internal server error: IllegalStateException (boom) <- EOFException");
    for (int i = 0; i < 5; i++) {
      assertThat(filter.isLoggable(new LogRecord(Level.WARNING, "again"))).isFalse();
    }
    assertThat(filter.isLoggable(new LogRecord(Level.INFO, "not a warning"))).isTrue();
    now.addAndGet(Duration.ofSeconds(9).toNanos());
    assertThat(filter.isLoggable(new LogRecord(Level.WARNING, "still dropped"))).isFalse();
    now.addAndGet(Duration.ofSeconds(1).toNanos());
    LogRecord later = new LogRecord(Level.WARNING, "later");
    assertThat(filter.isLoggable(later)).isTrue();
    assertThat(later.getMessage()).isEqualTo("later (6 similar lines held back)");
  }
}
