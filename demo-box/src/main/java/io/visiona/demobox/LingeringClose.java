package io.visiona.demobox;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.time.Duration;

/**
 * Ends a connection the way HTTP servers must when the peer may still be sending (a refused body,
 * the rest of an oversized WebSocket frame): closing with unread input makes the kernel send a
 * reset, which can destroy the answer before the peer reads it. So: stop writing, read and discard
 * what is still coming, bounded in bytes and time, then close.
 */
final class LingeringClose {

  private static final Duration LIMIT = Duration.ofSeconds(2);
  private static final long MAX_DISCARDED = 1 << 20;

  private LingeringClose() {}

  static void close(Socket socket, InputStream in) {
    try (socket) {
      socket.shutdownOutput();
      long deadline = System.nanoTime() + LIMIT.toNanos();
      byte[] sink = new byte[8192];
      long discarded = 0;
      while (discarded < MAX_DISCARDED) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return;
        }
        socket.setSoTimeout((int) Math.max(1, Duration.ofNanos(left).toMillis()));
        int n = in.read(sink);
        if (n < 0) {
          return;
        }
        discarded += n;
      }
    } catch (IOException e) {
      // gone already, or timed out: closed either way
    }
  }
}
