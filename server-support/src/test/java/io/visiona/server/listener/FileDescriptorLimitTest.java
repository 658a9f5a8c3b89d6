package io.visiona.server.listener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The process's open-file limit, in child JVMs started under a low {@code ulimit -n}. */
@Timeout(120)
class FileDescriptorLimitTest {

  @Test
  void parsesProcSelfLimits() {
    Optional<OpenFileLimit> l =
        OpenFileLimit.parse(
            List.of(
                "Limit                     Soft Limit           Hard Limit           Units     ",
                "Max open files            1024                 unlimited            files     "));
    assertThat(l).contains(new OpenFileLimit(1024, Long.MAX_VALUE));
    assertThat(l.orElseThrow().fits(1024 - OpenFileLimit.RESERVE)).isTrue();
    assertThat(l.orElseThrow().fits(1024 - OpenFileLimit.RESERVE + 1)).isFalse();
  }

  @Test
  void theStartLogNamesTheLimitAndWarnsWhenTheListenersDoNotFit() {
    List<LogRecord> records = new CopyOnWriteArrayList<>();
    Handler capture =
        new Handler() {
          @Override
          public void publish(LogRecord r) {
            records.add(r);
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    Logger log = Logger.getLogger(OpenFileLimit.class.getName());
    log.addHandler(capture);
    try {
      long soft = OpenFileLimit.current().orElseThrow().soft();
      OpenFileLimit.logAtStart(List.of(ListenerSettings.publicDefaults(10)));
      assertThat(records)
          .extracting(LogRecord::getMessage)
          .containsExactly(
              "open-file limit "
                  + soft
                  + " (hard "
                  + OpenFileLimit.current().orElseThrow().hard()
                  + ")");
      records.clear();
      int tooMany = (int) Math.min(Integer.MAX_VALUE, soft);
      OpenFileLimit.logAtStart(
          List.of(ListenerSettings.publicDefaults(tooMany), ListenerSettings.internalDefaults(1)));
      assertThat(records).hasSize(2);
      assertThat(records.get(1).getLevel()).isEqualTo(Level.WARNING);
      assertThat(records.get(1).getMessage())
          .contains("max-tcp-connections add up to " + ((long) tooMany + 1));
    } finally {
      log.removeHandler(capture);
    }
  }

  @Test
  void theJvmRaisesTheSoftLimitToTheHardLimitAtStart() throws Exception {
    long hard = OpenFileLimit.current().orElseThrow().hard();
    Process child = child("ulimit -S -n 256", "limits");
    try (BufferedReader out = stdout(child)) {
      assertThat(out.readLine()).isEqualTo("LIMITS " + hard + " " + hard);
    } finally {
      child.destroyForcibly();
    }
  }

  @Test
  void aListenerKilledByTooManyOpenFilesTurnsReadinessDown() throws Exception {
    // No useful connection limit on the public listener: accept() fails with EMFILE.
    Process child = child("ulimit -n 400", "serve", "100000");
    List<Socket> sockets = new ArrayList<>();
    try (BufferedReader out = stdout(child)) {
      String[] ports = out.readLine().split(" ");
      int publicPort = Integer.parseInt(ports[1]);
      int internalPort = Integer.parseInt(ports[2]);
      assertThat(readiness(internalPort)).isEqualTo(200);
      for (int i = 0; i < 500 && child.isAlive(); i++) {
        try {
          Socket s = new Socket(InetAddress.getLoopbackAddress(), publicPort);
          sockets.add(s);
          OutputStream o = s.getOutputStream();
          o.write("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
          o.flush();
        } catch (IOException refused) {
          break; // the listener is gone
        }
      }
      for (Socket s : sockets) {
        s.close();
      }
      await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .until(() -> readiness(internalPort) == 503);
      assertThat(child.isAlive()).isTrue();
    } finally {
      for (Socket s : sockets) {
        s.close();
      }
      child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void withAConnectionLimitUnderTheFileLimitTheListenerSurvives() throws Exception {
    Process child = child("ulimit -n 400", "serve", "100");
    List<Socket> sockets = new ArrayList<>();
    try (BufferedReader out = stdout(child)) {
      String[] ports = out.readLine().split(" ");
      int publicPort = Integer.parseInt(ports[1]);
      int internalPort = Integer.parseInt(ports[2]);
      for (int i = 0; i < 500; i++) {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), publicPort);
        sockets.add(s);
      }
      assertThat(readiness(internalPort)).isEqualTo(200);
      for (Socket s : sockets) {
        s.close();
      }
      sockets.clear();
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), publicPort)) {
        s.setSoTimeout(20_000);
        OutputStream o = s.getOutputStream();
        o.write("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        o.flush();
        assertThat(RequestHeadTimeoutTest.readResponse(s.getInputStream())).endsWith("hello");
      }
      assertThat(readiness(internalPort)).isEqualTo(200);
    } finally {
      for (Socket s : sockets) {
        s.close();
      }
      child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static int readiness(int port) throws Exception {
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + port + "/observe/health/ready"))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    }
  }

  private static Process child(String ulimit, String... args) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    StringBuilder cmd =
        new StringBuilder(ulimit)
            .append(" && exec '")
            .append(java)
            .append("' -cp '")
            .append(System.getProperty("java.class.path"))
            .append("' ")
            .append(ChildServer.class.getName());
    for (String a : args) {
      cmd.append(' ').append(a);
    }
    return new ProcessBuilder("bash", "-c", cmd.toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
  }

  private static BufferedReader stdout(Process p) {
    return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
  }
}
