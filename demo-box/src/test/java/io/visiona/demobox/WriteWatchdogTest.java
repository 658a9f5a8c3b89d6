package io.visiona.demobox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A write to a peer that stopped reading ends with the connection, not never. */
@Timeout(30)
class WriteWatchdogTest {

  @Test
  void closesAConnectionWhoseWriteIsStuck() throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Socket reader = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
        Socket writer = listener.accept()) {
      assertThat(reader.isConnected()).isTrue();
      WriteWatchdog watchdog = new WriteWatchdog(Duration.ofMillis(200));
      try (OutputStream out = watchdog.watch(writer, writer.getOutputStream())) {
        byte[] block = new byte[1 << 20];
        // The reader never reads: the socket buffers fill, then a write blocks until cut off.
        assertThatThrownBy(
                () -> {
                  for (int i = 0; i < 1024; i++) {
                    out.write(block);
                  }
                })
            .isInstanceOf(IOException.class);
        assertThat(writer.isClosed()).isTrue();
      } finally {
        watchdog.close();
      }
    }
  }

  @Test
  void leavesWritesThatProgressAlone() throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Socket reader = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
        Socket writer = listener.accept()) {
      WriteWatchdog watchdog = new WriteWatchdog(Duration.ofMillis(200));
      Thread drain =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      reader.getInputStream().transferTo(OutputStream.nullOutputStream());
                    } catch (IOException e) {
                      // ends with the test
                    }
                  });
      try (OutputStream out = watchdog.watch(writer, writer.getOutputStream())) {
        byte[] block = new byte[64 * 1024];
        for (int i = 0; i < 1024; i++) {
          out.write(block);
        }
        assertThat(writer.isClosed()).isFalse();
      } finally {
        watchdog.close();
        drain.join(); // the writer's close ends the reader's input
      }
    }
  }
}
