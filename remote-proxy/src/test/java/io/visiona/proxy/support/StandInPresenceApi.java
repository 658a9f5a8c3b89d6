package io.visiona.proxy.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.visiona.server.signing.Direction;
import io.visiona.server.signing.RequestVerifier;
import io.visiona.server.signing.VerificationResult;
import jakarta.json.Json;
import jakarta.json.JsonObject;
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
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The api-server's presence endpoints over real HTTP, in the api-server's role: checks the proxy's
 * signature like the real one does (401 otherwise), records every call with its answer, and answers
 * 200 ({@code {"lease_ms":30000}}, {@code {"close":[]}}) unless a test scripted other answers for
 * the next calls.
 */
public final class StandInPresenceApi implements AutoCloseable {

  public static final String HEARTBEAT = "/internal/presence/heartbeat";
  public static final String EVENTS = "/internal/presence/events";

  /** One call as received: path, JSON body, the status answered, when (System.nanoTime). */
  public record Call(String path, JsonObject body, int status, long nanos) {

    public boolean heartbeat() {
      return path.equals(HEARTBEAT);
    }

    public boolean accepted() {
      return status == 200;
    }

    /** The events as {@code "type device connection"}. */
    public List<String> events() {
      return body.getJsonArray("events").stream()
          .map(JsonObject.class::cast)
          .map(
              e ->
                  e.getString("type")
                      + " "
                      + e.getString("device")
                      + " "
                      + e.getString("connection"))
          .toList();
    }
  }

  private record Answer(int status, String body) {}

  private final HttpServer server;
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final ConcurrentLinkedQueue<Answer> nextEvents = new ConcurrentLinkedQueue<>();
  private final AtomicInteger refusedSignatures = new AtomicInteger();
  private volatile Answer eventsDefault = new Answer(200, "{\"close\":[]}");
  private final RequestVerifier verifier =
      new RequestVerifier(
          Direction.PROXY_TO_API,
          TestSigning.proxyToApi(),
          Clock.systemUTC(),
          Duration.ofMinutes(5),
          100_000);

  public StandInPresenceApi() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext(HEARTBEAT, ex -> handle(ex, new Answer(200, "{\"lease_ms\":30000}")));
    server.createContext(
        EVENTS,
        ex -> {
          Answer scripted = nextEvents.poll();
          handle(ex, scripted != null ? scripted : eventsDefault);
        });
    server.start();
  }

  private void handle(HttpExchange ex, Answer answer) throws IOException {
    byte[] body;
    try (InputStream in = ex.getRequestBody()) {
      body = in.readNBytes(4 << 20);
    }
    VerificationResult v =
        verifier.verify(
            ex.getRequestMethod(),
            ex.getRequestURI().getRawPath(),
            ex.getRequestHeaders().getOrDefault("Visiona-Signature", List.of()),
            ex.getRequestHeaders().getOrDefault("Content-Digest", List.of()),
            body);
    Answer a = answer;
    if (!v.accepted()) {
      refusedSignatures.incrementAndGet();
      a = new Answer(401, "{\"error\":{\"code\":\"UNAUTHORIZED\",\"message\":\"bad signature\"}}");
    } else {
      JsonObject json = Json.createReader(new ByteArrayInputStream(body)).readObject();
      calls.add(new Call(ex.getRequestURI().getPath(), json, a.status(), System.nanoTime()));
    }
    byte[] out = a.body().getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(a.status(), out.length);
    try (OutputStream o = ex.getResponseBody()) {
      o.write(out);
    }
  }

  /** The next events call gets this answer (scripted answers are used in order). */
  public StandInPresenceApi nextEvents(int status, String body) {
    nextEvents.add(new Answer(status, body));
    return this;
  }

  /** Every events call without a scripted answer gets this one from now on. */
  public StandInPresenceApi eventsAnswer(int status, String body) {
    eventsDefault = new Answer(status, body);
    return this;
  }

  public static String unavailable() {
    return "{\"error\":{\"code\":\"UNAVAILABLE\",\"message\":\"database down\"}}";
  }

  public static String staleBoot() {
    return "{\"error\":{\"code\":\"STALE_BOOT\",\"message\":\"a newer boot registered\"}}";
  }

  /** Every call with a valid signature, in the order received. */
  public List<Call> calls() {
    return List.copyOf(calls);
  }

  public List<Call> heartbeats() {
    return calls.stream().filter(Call::heartbeat).toList();
  }

  /** The events the api-server took (answered 200), in order. */
  public List<String> acceptedEvents() {
    return calls.stream()
        .filter(c -> !c.heartbeat() && c.accepted())
        .flatMap(c -> c.events().stream())
        .toList();
  }

  public int refusedSignatures() {
    return refusedSignatures.get();
  }

  public URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
