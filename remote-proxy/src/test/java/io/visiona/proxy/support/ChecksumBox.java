package io.visiona.proxy.support;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A box's local API for large bodies that nobody holds: {@code POST /sum} answers the SHA-256 (hex)
 * of the body it received; {@code GET /blob?seed=S&n=N} answers N bytes of {@link #blob} with
 * {@code Content-Length}.
 */
public final class ChecksumBox implements AutoCloseable {

  private final HttpServer server;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

  public ChecksumBox() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
    server.setExecutor(executor);
    server.createContext(
        "/sum",
        ex -> {
          MessageDigest sha = sha256();
          try (InputStream in = new DigestInputStream(ex.getRequestBody(), sha)) {
            in.transferTo(OutputStream.nullOutputStream());
          }
          byte[] out = HexFormat.of().formatHex(sha.digest()).getBytes(StandardCharsets.US_ASCII);
          ex.sendResponseHeaders(200, out.length);
          try (OutputStream o = ex.getResponseBody()) {
            o.write(out);
          }
        });
    server.createContext(
        "/blob",
        ex -> {
          String[] q = ex.getRequestURI().getQuery().split("&");
          long seed = Long.parseLong(q[0].substring("seed=".length()));
          int n = Integer.parseInt(q[1].substring("n=".length()));
          ex.sendResponseHeaders(200, n);
          try (OutputStream o = ex.getResponseBody()) {
            o.write(blob(seed, n));
          }
        });
    server.start();
  }

  /** The bytes {@code /blob} answers. */
  public static byte[] blob(long seed, int n) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  public static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String sha256Hex(byte[] b) {
    return HexFormat.of().formatHex(sha256().digest(b));
  }

  public InetSocketAddress address() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getAddress().getPort());
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
