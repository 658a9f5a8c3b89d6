package io.visiona.server.errors;

import static org.assertj.core.api.Assertions.assertThat;

import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.websocket.WsRouting;
import io.helidon.websocket.WsListener;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The one envelope, over real HTTP: thrown errors, Helidon's own answers, refused upgrades. */
class ErrorEnvelopeTest {

  private WebServer server;

  @BeforeEach
  void start() {
    server =
        WebServer.builder()
            .host("127.0.0.1")
            .port(0)
            .directHandlers(ErrorEnvelope.directHandlers())
            .routing(
                r ->
                    r.get(
                            "/thrown",
                            (req, res) -> {
                              throw new ApiError(ErrorCode.SESSION_NOT_FOUND, "no \"such\" one");
                            })
                        .error(ApiError.class, ErrorEnvelope.handler()))
            .addRouting(
                WsRouting.builder()
                    .endpoint(
                        "/ws",
                        () ->
                            new WsListener() {
                              @Override
                              public Optional<Headers> onHttpUpgrade(
                                  HttpPrologue prologue, Headers headers) {
                                throw ErrorEnvelope.refusal(ErrorCode.DRAINING, "shutting down");
                              }
                            }))
            .build()
            .start();
  }

  @AfterEach
  void stop() {
    server.stop();
  }

  /** The whole response of a raw request; the server closes the connection after an error. */
  private String raw(String head) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  @Test
  void aThrownErrorGetsItsStatusCodeAndEscapedMessage() throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/thrown"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(r.body())
        .isEqualTo(
            "{\"error\":{\"code\":\"SESSION_NOT_FOUND\",\"message\":\"no \\\"such\\\" one\"}}");
  }

  @Test
  void aRefusedUpgradeGetsTheEnvelopeWithoutTheInternalHeaders() throws Exception {
    String response =
        raw(
            "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
    assertThat(response).startsWith("HTTP/1.1 503");
    assertThat(response)
        .endsWith("{\"error\":{\"code\":\"DRAINING\",\"message\":\"shutting down\"}}")
        .doesNotContainIgnoringCase("Visiona-Error");
  }

  @Test
  void helidonsOwnBadRequestGetsTheEnvelope() throws Exception {
    String response = raw("GET /thrown HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n");
    assertThat(response).startsWith("HTTP/1.1 400").contains("\"code\":\"BAD_REQUEST\"");
  }

  @Test
  void oneNamePerCodeAndStatusDerivedCodesComeFromTheTable() {
    assertThat(Arrays.stream(ErrorCode.values()).map(ErrorCode::code))
        .doesNotHaveDuplicates()
        .allMatch(c -> c.matches("[A-Z][A-Z0-9_]{1,63}"));
    assertThat(ErrorCode.forStatus(Status.REQUEST_ENTITY_TOO_LARGE_413))
        .isEqualTo(ErrorCode.BODY_TOO_LARGE.code());
    assertThat(ErrorCode.BODY_TOO_LARGE.status().code()).isEqualTo(413);
    assertThat(ErrorCode.forStatus(Status.METHOD_NOT_ALLOWED_405)).isEqualTo("METHOD_NOT_ALLOWED");
    assertThat(ErrorCode.forStatus(Status.INTERNAL_SERVER_ERROR_500)).isEqualTo("INTERNAL");
  }
}
