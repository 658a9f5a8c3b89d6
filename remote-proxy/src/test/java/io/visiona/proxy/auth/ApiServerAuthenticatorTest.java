package io.visiona.proxy.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.visiona.proxy.support.TestSigning;
import io.visiona.server.signing.Direction;
import io.visiona.server.signing.RequestVerifier;
import io.visiona.server.signing.SignedHttpRequests;
import io.visiona.server.signing.VerificationResult;
import jakarta.json.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against a stand-in api-server that checks the proxy's signature like the real one does. */
class ApiServerAuthenticatorTest {

  private HttpServer api;
  private final AtomicInteger status = new AtomicInteger(200);
  private final AtomicReference<String> answer =
      new AtomicReference<>("{\"device_id\":\"box-7\",\"owner_id\":\"u1\"}");
  private final AtomicReference<String> seenCredential = new AtomicReference<>();
  private final RequestVerifier verifier =
      new RequestVerifier(
          Direction.PROXY_TO_API,
          TestSigning.proxyToApi(),
          Clock.systemUTC(),
          Duration.ofMinutes(5),
          100);

  @BeforeEach
  void start() throws IOException {
    api = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
    api.createContext(
        "/internal/agents/verify",
        ex -> {
          byte[] body;
          try (InputStream in = ex.getRequestBody()) {
            body = in.readAllBytes();
          }
          VerificationResult v =
              verifier.verify(
                  ex.getRequestMethod(),
                  ex.getRequestURI().getRawPath(),
                  ex.getRequestHeaders().getOrDefault("Visiona-Signature", List.of()),
                  ex.getRequestHeaders().getOrDefault("Content-Digest", List.of()),
                  body);
          int code = v.accepted() ? status.get() : 401;
          if (v.accepted()) {
            seenCredential.set(
                Json.createReader(new ByteArrayInputStream(body))
                    .readObject()
                    .getString("credential"));
          }
          byte[] out = answer.get().getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(code, out.length);
          try (OutputStream o = ex.getResponseBody()) {
            o.write(out);
          }
        });
    api.start();
  }

  @AfterEach
  void stop() {
    api.stop(0);
  }

  private ApiServerAuthenticator authenticator(Direction direction) {
    return new ApiServerAuthenticator(
        new ApiServerClient(
            HttpClient.newHttpClient(),
            URI.create("http://127.0.0.1:" + api.getAddress().getPort()),
            new SignedHttpRequests(
                    TestSigning.signer(
                        direction,
                        direction == Direction.PROXY_TO_API
                            ? TestSigning.proxyToApi()
                            : TestSigning.apiToProxy(),
                        Clock.systemUTC()))
                ::request,
            Duration.ofSeconds(5)));
  }

  @Test
  void signedVerifyCallReturnsTheIdentity() throws Exception {
    assertThat(authenticator(Direction.PROXY_TO_API).authenticate("secret-cred"))
        .contains(new AgentIdentity("box-7", "u1"));
    assertThat(seenCredential.get()).isEqualTo("secret-cred");
  }

  @Test
  void refusedCredentialIsEmpty() throws Exception {
    status.set(401);
    assertThat(authenticator(Direction.PROXY_TO_API).authenticate("bad")).isEmpty();
  }

  @Test
  void signatureOfTheWrongDirectionIsRefusedByTheApiServer() throws Exception {
    assertThat(authenticator(Direction.API_TO_PROXY).authenticate("secret-cred")).isEmpty();
    assertThat(seenCredential.get()).isNull();
  }

  @Test
  void serverErrorsAndGarbageAreUnavailableNotRefusals() {
    status.set(500);
    assertThatThrownBy(() -> authenticator(Direction.PROXY_TO_API).authenticate("c"))
        .isInstanceOf(AuthUnavailableException.class);
    status.set(200);
    answer.set("not json");
    assertThatThrownBy(() -> authenticator(Direction.PROXY_TO_API).authenticate("c"))
        .isInstanceOf(AuthUnavailableException.class);
    answer.set("{\"owner_id\":\"u1\"}");
    assertThatThrownBy(() -> authenticator(Direction.PROXY_TO_API).authenticate("c"))
        .isInstanceOf(AuthUnavailableException.class);
  }

  @Test
  void unreachableApiServerIsUnavailable() {
    ApiServerAuthenticator nowhere =
        new ApiServerAuthenticator(
            new ApiServerClient(
                HttpClient.newHttpClient(),
                URI.create("http://127.0.0.1:1"),
                (m, u, b) ->
                    java.net.http.HttpRequest.newBuilder(u)
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(b)),
                Duration.ofSeconds(2)));
    assertThatThrownBy(() -> nowhere.authenticate("c"))
        .isInstanceOf(AuthUnavailableException.class);
  }
}
