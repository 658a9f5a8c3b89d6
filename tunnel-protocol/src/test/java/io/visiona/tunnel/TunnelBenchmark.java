package io.visiona.tunnel;

import io.visiona.tunnel.gopeer.GoPeer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Prints this library over WebSocket next to hashicorp/yamux over gorilla/websocket and raw TCP,
 * all measured in the same run on loopback. Run with {@code ./mvnw -pl tunnel-protocol -Pbench
 * verify} (see BENCHMARKS.md).
 */
public final class TunnelBenchmark {

  private static final Duration PER_RUN = Duration.ofSeconds(2);
  private static final int RUNS = 5;
  private static final int WRITE_SIZE = 32 * 1024;
  private static final HttpClient HTTP = WebSocketTransport.newHttpClient();

  public static void main(String[] args) throws Exception {
    WebSocketClient[] clients = WebSocketClient.values();
    double[][] java = new double[clients.length][4];
    double[] wsEcho = new double[clients.length];
    try (TestWebSocketServer server = new TestWebSocketServer(false)) {
      // Row by row, each client right after the other, so both see the same machine load.
      for (int c = 0; c < clients.length; c++) {
        WebSocketClient client = clients[c];
        java[c][0] = median(() -> bulk(server, client, 1));
      }
      for (int c = 0; c < clients.length; c++) {
        WebSocketClient client = clients[c];
        java[c][1] = median(() -> bulk(server, client, 100));
      }
      for (int c = 0; c < clients.length; c++) {
        WebSocketClient client = clients[c];
        java[c][2] = median(() -> requestResponse(server, client, 1));
      }
      for (int c = 0; c < clients.length; c++) {
        WebSocketClient client = clients[c];
        java[c][3] = median(() -> requestResponse(server, client, 64));
      }
      for (int c = 0; c < clients.length; c++) {
        WebSocketClient client = clients[c];
        wsEcho[c] = median(() -> webSocketEcho(server, client));
      }
    }
    Map<String, Double> go = Map.of();
    if (!Boolean.getBoolean("bench.skipGo")) {
      try (GoPeer bench = GoPeer.bench(PER_RUN, RUNS)) {
        bench.awaitExit(Duration.ofMinutes(5));
        go = bench.benchResults();
      }
    }
    String[] rows = {
      "bulk, 1 stream (MB/s)",
      "bulk, 100 streams (MB/s)",
      "1 KiB RR, 1 stream (/s)",
      "1 KiB RR, 64 streams (/s)"
    };
    String[] goKeys = {
      "go-yamux-ws bulk_1_stream_mbps",
      "go-yamux-ws bulk_100_streams_mbps",
      "go-yamux-ws rr_1k_1_stream_per_s",
      "go-yamux-ws rr_1k_64_streams_per_s"
    };
    int blocking = WebSocketClient.BLOCKING.ordinal();
    int jdk = WebSocketClient.JDK.ordinal();
    System.out.printf(
        "%n| measurement | visiona yamux, blocking WS client | visiona yamux, JDK WS client"
            + " | hashicorp/yamux over gorilla WS | blocking/Go | JDK/Go |%n");
    System.out.println("|---|---:|---:|---:|---:|---:|");
    for (int i = 0; i < rows.length; i++) {
      double g = go.getOrDefault(goKeys[i], Double.NaN);
      System.out.printf(
          "| %s | %.0f | %.0f | %.0f | %.2f× | %.2f× |%n",
          rows[i], java[blocking][i], java[jdk][i], g, java[blocking][i] / g, java[jdk][i] / g);
    }
    System.out.printf(
        "| raw TCP, 1 stream (MB/s, ceiling) | | | %.0f | | |%n",
        go.getOrDefault("tcp bulk_1_stream_mbps", Double.NaN));
    System.out.printf(
        "| 1 KiB RR over the same WebSockets without yamux (/s, ceiling) | %.0f | %.0f | | | |%n",
        wsEcho[blocking], wsEcho[jdk]);
    System.out.printf("%nmedian of %d runs of %s each%n", RUNS, PER_RUN);
  }

  interface Measurement {
    double run() throws Exception;
  }

  /** The median of {@link #RUNS} runs, each on a virtual thread as the application's would be. */
  private static double median(Measurement m) throws Exception {
    double[] v = new double[RUNS];
    for (int i = 0; i < RUNS; i++) {
      int run = i;
      Exception[] failed = new Exception[1];
      Thread.ofVirtual()
          .start(
              () -> {
                try {
                  v[run] = m.run();
                } catch (Exception e) {
                  failed[0] = e;
                }
              })
          .join();
      if (failed[0] != null) {
        throw failed[0];
      }
    }
    Arrays.sort(v);
    return v[RUNS / 2];
  }

  private static Session[] connect(TestWebSocketServer server, WebSocketClient kind)
      throws Exception {
    Session client =
        Session.client(
            kind.connect(
                HTTP, server.uri(), Map.of(), Duration.ofSeconds(5), Duration.ofSeconds(30)),
            Config.defaults());
    Session srv = Session.server(server.accept(), Config.defaults());
    return new Session[] {client, srv};
  }

  /** MB/s received by the server while {@code streams} streams write 32 KiB chunks. */
  private static double bulk(TestWebSocketServer server, WebSocketClient kind, int streams)
      throws Exception {
    Session[] pair = connect(server, kind);
    LongAdder received = new LongAdder();
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                while (true) {
                  Stream s = pair[1].acceptStream();
                  Thread.ofVirtual().start(() -> drain(s, received));
                }
              } catch (IOException over) {
                // session closed
              }
            });
    long deadline = System.nanoTime() + PER_RUN.toNanos();
    List<Thread> writers = new ArrayList<>();
    for (int i = 0; i < streams; i++) {
      writers.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    byte[] chunk = new byte[WRITE_SIZE];
                    try (Stream s = pair[0].openStream()) {
                      OutputStream out = s.outputStream();
                      while (System.nanoTime() < deadline) {
                        out.write(chunk);
                      }
                      s.closeWrite();
                    } catch (IOException e) {
                      throw new RuntimeException(e);
                    }
                  }));
    }
    long start = System.nanoTime();
    for (Thread w : writers) {
      w.join();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    double mbps = received.sum() / seconds / 1e6;
    pair[0].close();
    pair[1].close();
    return mbps;
  }

  private static void drain(Stream s, LongAdder received) {
    byte[] buf = new byte[64 * 1024];
    try (InputStream in = s.inputStream()) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        received.add(n);
      }
    } catch (IOException ignored) {
      // end of run
    }
  }

  /**
   * Round trips per second of 1 KiB binary messages over the Java rows' WebSocket pair without
   * yamux: the client sends and waits for the echo, received on the client's receiving thread and
   * handed over; the test server echoes on its connection thread. What one-stream request/response
   * could reach if yamux cost nothing.
   *
   * <p>The wait for each echo is untimed, as a yamux stream's read is (a timed park costs a virtual
   * thread a timer per wait and made this row slower than the yamux row above it); a watchdog
   * closes the connection if the run overstays, which ends the wait.
   */
  private static double webSocketEcho(TestWebSocketServer server, WebSocketClient kind)
      throws Exception {
    BlockingQueue<Boolean> replies = new ArrayBlockingQueue<>(2);
    Transport client =
        kind.connect(HTTP, server.uri(), Map.of(), Duration.ofSeconds(5), Duration.ofSeconds(30));
    PushTransport echo = server.accept();
    echo.start(new Echo(echo::write, () -> {}));
    client.start(new Echo((b, off, len) -> replies.add(true), () -> replies.offer(false)));
    CountDownLatch finished = new CountDownLatch(1);
    Thread watchdog =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    if (!finished.await(PER_RUN.toSeconds() + 10, TimeUnit.SECONDS)) {
                      client.close();
                    }
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                });
    byte[] request = new byte[1024];
    long trips = 0;
    long start = System.nanoTime();
    long deadline = start + PER_RUN.toNanos();
    try {
      while (System.nanoTime() < deadline) {
        client.write(request, 0, request.length);
        if (!replies.take()) {
          throw new IOException("connection ended before the echo");
        }
        trips++;
      }
    } finally {
      finished.countDown();
      watchdog.join();
    }
    double perSecond = trips / ((System.nanoTime() - start) / 1e9);
    client.close();
    echo.close();
    return perSecond;
  }

  interface MessageSink {
    void take(byte[] buf, int off, int len) throws IOException;
  }

  /** Collects 1 KiB messages out of received bytes and passes each on. */
  private static final class Echo implements Transport.Receiver {
    private final byte[] message = new byte[1024];
    private final MessageSink sink;
    private final Runnable ended;
    private int have;

    Echo(MessageSink sink, Runnable ended) {
      this.sink = sink;
      this.ended = ended;
    }

    @Override
    public void receive(Transport.ByteSource bytes, int length) throws IOException {
      while (length > 0) {
        int n = Math.min(length, message.length - have);
        bytes.read(message, have, n);
        have += n;
        length -= n;
        if (have == message.length) {
          have = 0;
          sink.take(message, 0, message.length);
        }
      }
    }

    @Override
    public void endOfInput() {
      ended.run();
    }

    @Override
    public void fail(IOException cause) {
      ended.run();
    }
  }

  /** Round trips per second of 1 KiB requests echoed back, on {@code streams} streams. */
  private static double requestResponse(
      TestWebSocketServer server, WebSocketClient kind, int streams) throws Exception {
    Session[] pair = connect(server, kind);
    Thread.ofVirtual().start(() -> SessionTest.echoServer(pair[1]));
    LongAdder trips = new LongAdder();
    CountDownLatch done = new CountDownLatch(streams);
    long deadline = System.nanoTime() + PER_RUN.toNanos();
    long start = System.nanoTime();
    for (int i = 0; i < streams; i++) {
      Thread.ofVirtual()
          .start(
              () -> {
                byte[] request = new byte[1024];
                byte[] reply = new byte[1024];
                try (Stream s = pair[0].openStream()) {
                  while (System.nanoTime() < deadline) {
                    s.outputStream().write(request);
                    if (s.inputStream().readNBytes(reply, 0, reply.length) != reply.length) {
                      throw new IOException("short reply");
                    }
                    trips.increment();
                  }
                  s.closeWrite();
                } catch (IOException e) {
                  throw new RuntimeException(e);
                } finally {
                  done.countDown();
                }
              });
    }
    done.await();
    double perSecond = trips.sum() / ((System.nanoTime() - start) / 1e9);
    pair[0].close();
    pair[1].close();
    return perSecond;
  }
}
