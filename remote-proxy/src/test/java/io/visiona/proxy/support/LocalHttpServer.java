package io.visiona.proxy.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The box's local HTTP API in tests (the target an agent splices its streams to):
 *
 * <ul>
 *   <li>{@code /hello}: {@code hello from <name>}, with Content-Length
 *   <li>{@code /echo}: the request body back, and {@code X-Method}/{@code X-Test} headers
 *   <li>{@code /chunked?n=N}: N bytes, chunked
 * </ul>
 */
public final class LocalHttpServer implements AutoCloseable {

  private final HttpServer server;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

  public LocalHttpServer(String name) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
    server.setExecutor(executor);
    server.createContext(
        "/hello", ex -> reply(ex, 200, ("hello from " + name).getBytes(StandardCharsets.UTF_8)));
    server.createContext(
        "/echo",
        ex -> {
          byte[] body;
          try (InputStream in = ex.getRequestBody()) {
            body = in.readAllBytes();
          }
          ex.getResponseHeaders().add("X-Method", ex.getRequestMethod());
          String test = ex.getRequestHeaders().getFirst("X-Test");
          if (test != null) {
            ex.getResponseHeaders().add("X-Test", test);
          }
          reply(ex, 201, body);
        });
    server.createContext(
        "/chunked",
        ex -> {
          int n = Integer.parseInt(ex.getRequestURI().getQuery().substring(2));
          ex.sendResponseHeaders(200, 0);
          try (OutputStream out = ex.getResponseBody()) {
            byte[] block = new byte[1000];
            for (int i = 0; i < block.length; i++) {
              block[i] = (byte) ('a' + i % 26);
            }
            for (int left = n; left > 0; left -= block.length) {
              out.write(block, 0, Math.min(left, block.length));
              out.flush();
            }
          }
        });
    server.start();
  }

  private static void reply(HttpExchange ex, int status, byte[] body) throws IOException {
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
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
