package io.visiona.server.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.websocket.WsRouting;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A real WebSocket handshake from the JDK client to a Helidon WsListener that checks it. */
class SignedUpgradeTest {

  private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final MutableClock clock = new MutableClock(T0);
  private final KeyRing ring = TestKeys.ring(TestKeys.key("k1", 1));
  private final List<RejectReason> rejected = new CopyOnWriteArrayList<>();
  private final List<String> acceptedKeys = new CopyOnWriteArrayList<>();
  private WebServer server;

  @BeforeEach
  void start() {
    var verifier =
        new RequestVerifier(
            Direction.API_TO_PROXY, ring, clock, RequestVerifier.DEFAULT_MAX_SKEW, 100);
    var upgrade = new SignedUpgrade(verifier, rejected::add);
    server =
        WebServer.builder()
            .host("127.0.0.1")
            .port(0)
            .addRouting(
                WsRouting.builder()
                    .endpoint(
                        "/internal/relay",
                        () ->
                            new WsListener() {
                              @Override
                              public Optional<Headers> onHttpUpgrade(
                                  HttpPrologue prologue, Headers headers) {
                                acceptedKeys.add(upgrade.require(prologue, headers));
                                return Optional.empty();
                              }

                              @Override
                              public void onMessage(WsSession s, String text, boolean last) {
                                s.send("echo:" + text, true);
                              }
                            }))
            .build()
            .start();
  }

  @AfterEach
  void stop() {
    server.stop();
  }

  private URI uri(String pathAndQuery) {
    return URI.create("ws://127.0.0.1:" + server.port() + pathAndQuery);
  }

  private SignedHttpRequests signed() {
    return new SignedHttpRequests(new RequestSigner(Direction.API_TO_PROXY, ring, clock));
  }

  private static int handshakeStatus(CompletableFuture<WebSocket> attempt) {
    Throwable failure = catchThrowable(() -> attempt.get(10, TimeUnit.SECONDS));
    assertThat(failure)
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(WebSocketHandshakeException.class);
    return ((WebSocketHandshakeException) failure.getCause()).getResponse().statusCode();
  }

  @Test
  void signedUpgradeOpensTheWebSocket() throws Exception {
    URI uri = uri("/internal/relay?device=d1");
    CompletableFuture<String> reply = new CompletableFuture<>();
    WebSocket ws =
        signed()
            .webSocket(HTTP, uri)
            .buildAsync(
                uri,
                new WebSocket.Listener() {
                  @Override
                  public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                    reply.complete(data.toString());
                    return null;
                  }
                })
            .get(10, TimeUnit.SECONDS);
    ws.sendText("hi", true);
    assertThat(reply.get(10, TimeUnit.SECONDS)).isEqualTo("echo:hi");
    assertThat(acceptedKeys).containsExactly("k1");
    ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(10, TimeUnit.SECONDS);
  }

  @Test
  void unsignedUpgradeGets401() {
    URI uri = uri("/internal/relay");
    var attempt = HTTP.newWebSocketBuilder().buildAsync(uri, new WebSocket.Listener() {});
    assertThat(handshakeStatus(attempt)).isEqualTo(401);
    assertThat(rejected).containsExactly(RejectReason.MISSING_SIGNATURE);
  }

  @Test
  void upgradeSignedForAnotherQueryGets401() {
    SignedHeaders h =
        new RequestSigner(Direction.API_TO_PROXY, ring, clock)
            .sign("GET", "/internal/relay?device=d1", new byte[0]);
    WebSocket.Builder builder = HTTP.newWebSocketBuilder();
    h.forEach(builder::header);
    var attempt = builder.buildAsync(uri("/internal/relay?device=d2"), new WebSocket.Listener() {});
    assertThat(handshakeStatus(attempt)).isEqualTo(401);
    assertThat(rejected).containsExactly(RejectReason.BAD_SIGNATURE);
  }

  @Test
  void replayedUpgradeGets401() throws Exception {
    URI uri = uri("/internal/relay");
    SignedHeaders h =
        new RequestSigner(Direction.API_TO_PROXY, ring, clock)
            .sign("GET", "/internal/relay", new byte[0]);
    WebSocket.Builder first = HTTP.newWebSocketBuilder();
    h.forEach(first::header);
    first
        .buildAsync(uri, new WebSocket.Listener() {})
        .get(10, TimeUnit.SECONDS)
        .sendClose(WebSocket.NORMAL_CLOSURE, "");

    WebSocket.Builder again = HTTP.newWebSocketBuilder();
    h.forEach(again::header);
    assertThat(handshakeStatus(again.buildAsync(uri, new WebSocket.Listener() {}))).isEqualTo(401);
    assertThat(rejected).containsExactly(RejectReason.REPLAY);
  }
}
