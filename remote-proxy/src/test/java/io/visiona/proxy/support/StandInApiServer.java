package io.visiona.proxy.support;

import com.sun.net.httpserver.HttpServer;
import io.visiona.server.signing.Direction;
import io.visiona.server.signing.RequestVerifier;
import io.visiona.server.signing.VerificationResult;
import jakarta.json.Json;
import jakarta.json.JsonException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The api-server's {@code POST /internal/agents/verify} over real HTTP: checks the proxy's
 * signature like the real one does, answers 200 with the identity of a known credential and 401
 * otherwise, and counts the calls that reached it.
 */
public final class StandInApiServer implements AutoCloseable {

  private final HttpServer server;
  private final Map<String, String> devices = new ConcurrentHashMap<>();
  private final AtomicInteger verifyCalls = new AtomicInteger();
  private final RequestVerifier verifier =
      new RequestVerifier(
          Direction.PROXY_TO_API,
          TestSigning.proxyToApi(),
          Clock.systemUTC(),
          Duration.ofMinutes(5),
          100_000);

  public StandInApiServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext(
        "/internal/agents/verify",
        ex -> {
          verifyCalls.incrementAndGet();
          byte[] body;
          try (InputStream in = ex.getRequestBody()) {
            body = in.readNBytes(64 * 1024);
          }
          VerificationResult v =
              verifier.verify(
                  ex.getRequestMethod(),
                  ex.getRequestURI().getRawPath(),
                  ex.getRequestHeaders().getOrDefault("Visiona-Signature", List.of()),
                  ex.getRequestHeaders().getOrDefault("Content-Digest", List.of()),
                  body);
          String device = v.accepted() ? deviceOf(body) : null;
          byte[] out =
              (device == null
                      ? "{\"error\":{\"code\":\"UNAUTHORIZED\",\"message\":\"unknown\"}}"
                      : "{\"device_id\":\"" + device + "\",\"owner_id\":\"owner-1\"}")
                  .getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().set("Content-Type", "application/json");
          ex.sendResponseHeaders(device == null ? 401 : 200, out.length);
          try (OutputStream o = ex.getResponseBody()) {
            o.write(out);
          }
        });
    server.start();
  }

  private String deviceOf(byte[] body) {
    try {
      String credential =
          Json.createReader(new ByteArrayInputStream(body)).readObject().getString("credential");
      return devices.get(credential);
    } catch (JsonException | ClassCastException | NullPointerException e) {
      return null;
    }
  }

  /** Makes {@code credential} valid for {@code deviceId}. */
  public StandInApiServer add(String credential, String deviceId) {
    devices.put(credential, deviceId);
    return this;
  }

  /** Verify calls received (whatever their answer). */
  public int verifyCalls() {
    return verifyCalls.get();
  }

  public URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
