package io.visiona.tunnel.gopeer;

import io.visiona.tunnel.Session;
import io.visiona.tunnel.Stream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The Go peer's command service (see src/test/go/README.md) written against our library, so the Go
 * peer can drive a Java session exactly as it drives another Go one.
 */
public final class JavaPeerService {

  private static final int MAX_COMMAND = 1024;

  private JavaPeerService() {}

  /** Serves every stream the peer opens until the session ends. */
  public static void serve(Session session) {
    try {
      while (true) {
        Stream s = session.acceptStream();
        Thread.ofVirtual().start(() -> handle(session, s));
      }
    } catch (IOException sessionOver) {
      // the session ended
    }
  }

  static void handle(Session session, Stream s) {
    try (s) {
      InputStream in = s.inputStream();
      OutputStream out = s.outputStream();
      String[] cmd = readLine(in).split(" ");
      switch (cmd[0]) {
        case "echo" -> in.transferTo(out);
        case "sink" -> out.write(sinkReply(in).getBytes(StandardCharsets.US_ASCII));
        case "discard" ->
            out.write((in.transferTo(OutputStream.nullOutputStream()) + "\n").getBytes());
        case "source" ->
            Pattern.inputStream(Long.parseLong(cmd[1]), Long.parseUnsignedLong(cmd[2]))
                .transferTo(out);
        case "rr" -> requestResponse(in, out, Integer.parseInt(cmd[1]));
        case "open" ->
            out.write(
                openBack(session, Integer.parseInt(cmd[1]), Integer.parseInt(cmd[2])).getBytes());
        case "ping" -> out.write(("pong " + session.ping().toNanos() + "\n").getBytes());
        case "goaway" -> {
          session.goAway();
          out.write("ok\n".getBytes());
        }
        case "hold" -> session.awaitClosed(Duration.ofMinutes(1));
        case "kill" -> session.transport().close();
        case "stats" -> out.write(("streams " + session.stats().openStreams() + "\n").getBytes());
        default -> out.write("error unknown command\n".getBytes());
      }
      s.closeWrite();
      in.transferTo(OutputStream.nullOutputStream());
    } catch (Exception e) {
      s.reset();
    }
  }

  /** {@code <count> <sha256hex>} of everything read until EOF. */
  static String sinkReply(InputStream in) throws IOException {
    MessageDigest sha = Pattern.sha256();
    byte[] buf = new byte[64 * 1024];
    long count = 0;
    int n;
    while ((n = in.read(buf)) >= 0) {
      sha.update(buf, 0, n);
      count += n;
    }
    return count + " " + Pattern.hex(sha.digest()) + "\n";
  }

  private static void requestResponse(InputStream in, OutputStream out, int size)
      throws IOException {
    byte[] buf = new byte[size];
    while (in.readNBytes(buf, 0, size) == size) {
      out.write(buf);
    }
  }

  private static String openBack(Session session, int k, int n) throws Exception {
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < k; i++) {
        long seed = i;
        results.add(
            pool.submit(
                () -> {
                  try (Stream s = session.openStream()) {
                    s.outputStream().write("sink\n".getBytes());
                    Pattern.inputStream(n, seed).transferTo(s.outputStream());
                    s.closeWrite();
                    return readLine(s.inputStream()).equals(Pattern.sinkReply(n, seed).trim());
                  }
                }));
      }
      for (Future<Boolean> r : results) {
        if (!r.get()) {
          return "fail checksum\n";
        }
      }
    }
    return "ok " + k + "\n";
  }

  /** One line without its newline, at most {@value #MAX_COMMAND} bytes. */
  public static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0 && c != '\n') {
      if (line.size() >= MAX_COMMAND) {
        throw new IOException("command line too long");
      }
      line.write(c);
    }
    return line.toString(StandardCharsets.US_ASCII);
  }
}
