package io.visiona.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.visiona.tunnel.pairing.DeviceIdentity;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backpressure end to end: 100 viewers that stop reading an endless stream stop the box. What the
 * whole chain holds for them is bounded by the yamux windows and socket buffers, and memory does
 * not grow while they stay stalled.
 */
@Timeout(180)
class StalledViewersTest {

  private static final int VIEWERS = 100;

  @TempDir Path dir;

  @Test
  void aHundredStalledViewersHoldBoundedMemoryAndStopTheBox() throws Exception {
    try (TwoServers servers =
            TwoServers.start(
                dir,
                Map.of(
                    "devices.access.max-streams-per-person", "200",
                    "devices.access.max-streams-per-device", "200"));
        TestBox box = new TestBox()) {
      TwoServers.Person viewer = servers.person("viewer");
      try (TwoServers.Box paired =
          servers.pairedJavaBox(viewer, "camera", box.address().getPort())) {
        DeviceIdentity id = paired.identity();
        long heapBefore = usedHeapAfterGc();
        long rssBefore = rssKiB();

        List<Socket> viewers = new ArrayList<>();
        try {
          for (int i = 0; i < VIEWERS; i++) {
            Socket s = new Socket("127.0.0.1", servers.api.port());
            s.setReceiveBufferSize(64 * 1024);
            viewers.add(s);
            s.getOutputStream()
                .write(
                    ("GET /api/devices/"
                            + id.deviceId()
                            + "/agent/endless HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: "
                            + viewer.cookie()
                            + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
          }
          await().atMost(Duration.ofSeconds(60)).until(() -> box.endlessStarted.get() == VIEWERS);
          // Stalled: the box's writes stop moving for two seconds in a row.
          AtomicLong last = new AtomicLong(-1);
          await()
              .atMost(Duration.ofSeconds(90))
              .pollInterval(Duration.ofSeconds(2))
              .until(() -> last.getAndSet(box.endlessBytes.get()) == box.endlessBytes.get());
          long written = box.endlessBytes.get();
          long heapStalled = usedHeapAfterGc();
          long rssStalled = rssKiB();
          long perViewer = written / VIEWERS;
          System.out.printf(
              "stalled viewers: %d, box wrote %d KiB each before stopping; heap after GC %d -> %d"
                  + " MiB (committed %d MiB); RSS %d -> %d MiB (one JVM: proxy, api-server, agent,"
                  + " box)%n",
              VIEWERS,
              perViewer / 1024,
              heapBefore >> 20,
              heapStalled >> 20,
              ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted() >> 20,
              rssBefore >> 10,
              rssStalled >> 10);
          // Per viewer: a window on each yamux hop (grown at most to max-window while the viewer
          // still read), one copy buffer per hop, and the loopback sockets' kernel buffers.
          assertThat(perViewer).isLessThan(16L << 20);
          // On the heap: never more than the yamux sessions' memory budgets (256 MiB each).
          assertThat(heapStalled - heapBefore).isLessThan(256L << 20);
          // Still stalled a while later: nothing keeps accumulating.
          long again = box.endlessBytes.get();
          await()
              .during(Duration.ofSeconds(2))
              .atMost(Duration.ofSeconds(10))
              .until(() -> box.endlessBytes.get() == again);
          assertThat(usedHeapAfterGc() - heapBefore).isLessThan(256L << 20);
        } finally {
          for (Socket s : viewers) {
            s.close();
          }
        }
      }
    }
  }

  private static long usedHeapAfterGc() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static long rssKiB() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }
}
