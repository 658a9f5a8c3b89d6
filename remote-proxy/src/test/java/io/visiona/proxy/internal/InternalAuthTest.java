package io.visiona.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.visiona.proxy.ProxySettings;
import io.visiona.proxy.support.MapAuthenticator;
import io.visiona.proxy.support.MutableClock;
import io.visiona.proxy.support.ProxyFixture;
import io.visiona.proxy.support.RawHttp;
import io.visiona.proxy.support.RelayLinkClient;
import io.visiona.proxy.support.TestSigning;
import io.visiona.server.signing.Direction;
import io.visiona.server.signing.KeyRing;
import io.visiona.server.signing.RequestSigner;
import io.visiona.server.signing.SignedHeaders;
import jakarta.json.Json;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every internal request is signed (api-server→proxy key ring); each way of getting it wrong is
 * refused with 401, on plain requests and on the relay-link upgrade alike.
 */
@Timeout(60)
class InternalAuthTest {

  private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
  private static final String OLD_KEY_NOT_AFTER = "2026-03-01T12:10:00Z";
  private static final String SESSIONS = "/internal/sessions";
  private static final String FORWARD = "/internal/forward/http";

  /** The proxy's clock: tests move it, e.g. past a key's retirement. */
  private final MutableClock proxyClock = new MutableClock(T0);

  private ProxyFixture fixture;

  /** The proxy verifies with two keys: the current one and an old one retired at 12:10. */
  private static KeyRing proxyRing() {
    return KeyRing.parse(
        "api1:"
            + TestSigning.secret(1)
            + ",api0:"
            + TestSigning.secret(9)
            + ":"
            + OLD_KEY_NOT_AFTER);
  }

  @BeforeEach
  void start() {
    ProxySettings settings = ProxySettings.loopback();
    fixture =
        new ProxyFixture(
            settings,
            new MapAuthenticator(),
            java.util.Optional.of(
                new io.visiona.server.signing.RequestVerifier(
                    Direction.API_TO_PROXY, proxyRing(), proxyClock, Duration.ofMinutes(5), 1000)));
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  private static RequestSigner signer(String ring, Direction direction, Instant at) {
    return TestSigning.signer(
        direction, KeyRing.parse(ring), Clock.fixed(at, java.time.ZoneOffset.UTC));
  }

  private static RequestSigner good(Instant at) {
    return signer("api1:" + TestSigning.secret(1), Direction.API_TO_PROXY, at);
  }

  enum Case {
    UNSIGNED,
    WRONG_KEY,
    UNKNOWN_KEY_ID,
    FLIPPED_BODY_BYTE,
    STALE,
    FUTURE,
    REPLAYED_NONCE,
    OTHER_DIRECTION,
    RETIRED_KEY_AFTER_OVERLAP
  }

  private HttpResponse<String> send(URI uri, String method, byte[] body, SignedHeaders headers)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri)
            .method(
                method,
                body.length == 0
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    if (headers != null) {
      headers.forEach(b::header);
    }
    return fixture.send(b.build());
  }

  /** Sends the case's request to {@code POST forward/http}; returns the status. */
  private int httpCase(Case c) throws Exception {
    URI uri = fixture.internal(FORWARD);
    byte[] body =
        "{\"device_id\":\"nobody\",\"method\":\"GET\",\"path\":\"/\"}"
            .getBytes(StandardCharsets.UTF_8);
    Instant now = proxyClock.instant();
    return switch (c) {
      case UNSIGNED -> send(uri, "POST", body, null).statusCode();
      case WRONG_KEY ->
          send(
                  uri,
                  "POST",
                  body,
                  signer("api1:" + TestSigning.secret(3), Direction.API_TO_PROXY, now)
                      .sign("POST", FORWARD, body))
              .statusCode();
      case UNKNOWN_KEY_ID ->
          send(
                  uri,
                  "POST",
                  body,
                  signer("zzz:" + TestSigning.secret(1), Direction.API_TO_PROXY, now)
                      .sign("POST", FORWARD, body))
              .statusCode();
      case FLIPPED_BODY_BYTE -> {
        SignedHeaders h = good(now).sign("POST", FORWARD, body);
        byte[] flipped = body.clone();
        flipped[5] ^= 1;
        yield send(uri, "POST", flipped, h).statusCode();
      }
      case STALE ->
          send(uri, "POST", body, good(now.minusSeconds(301)).sign("POST", FORWARD, body))
              .statusCode();
      case FUTURE ->
          send(uri, "POST", body, good(now.plusSeconds(301)).sign("POST", FORWARD, body))
              .statusCode();
      case REPLAYED_NONCE -> {
        SignedHeaders h = good(now).sign("POST", FORWARD, body);
        int first = send(uri, "POST", body, h).statusCode();
        assertThat(first).as("first use of the nonce").isEqualTo(502);
        yield send(uri, "POST", body, h).statusCode();
      }
      case OTHER_DIRECTION ->
          send(
                  uri,
                  "POST",
                  body,
                  TestSigning.signer(
                          Direction.PROXY_TO_API,
                          TestSigning.proxyToApi(),
                          Clock.fixed(now, java.time.ZoneOffset.UTC))
                      .sign("POST", FORWARD, body))
              .statusCode();
      case RETIRED_KEY_AFTER_OVERLAP -> {
        RequestSigner old = signer("api0:" + TestSigning.secret(9), Direction.API_TO_PROXY, now);
        int during = send(uri, "POST", body, old.sign("POST", FORWARD, body)).statusCode();
        assertThat(during).as("old key during the overlap").isEqualTo(502);
        proxyClock.advance(Duration.ofMinutes(11));
        RequestSigner later =
            signer("api0:" + TestSigning.secret(9), Direction.API_TO_PROXY, proxyClock.instant());
        yield send(uri, "POST", body, later.sign("POST", FORWARD, body)).statusCode();
      }
    };
  }

  /** The case's headers for the relay-link upgrade (a GET without body). */
  private Map<String, String> linkCase(Case c) throws Exception {
    String path = "/internal/link";
    byte[] none = new byte[0];
    Instant now = proxyClock.instant();
    return switch (c) {
      case UNSIGNED -> Map.of();
      case WRONG_KEY ->
          signer("api1:" + TestSigning.secret(3), Direction.API_TO_PROXY, now)
              .sign("GET", path, none)
              .asMap();
      case UNKNOWN_KEY_ID ->
          signer("zzz:" + TestSigning.secret(1), Direction.API_TO_PROXY, now)
              .sign("GET", path, none)
              .asMap();
      case FLIPPED_BODY_BYTE -> {
        // An upgrade has no body: a digest of some other body must not pass.
        SignedHeaders h = good(now).sign("GET", path, new byte[] {1});
        yield h.asMap();
      }
      case STALE -> good(now.minusSeconds(301)).sign("GET", path, none).asMap();
      case FUTURE -> good(now.plusSeconds(301)).sign("GET", path, none).asMap();
      case REPLAYED_NONCE -> {
        Map<String, String> h = good(now).sign("GET", path, none).asMap();
        try (RelayLinkClient first = RelayLinkClient.connect(fixture.linkUri(), h)) {
          assertThat(first.session().isClosed()).isFalse();
        }
        yield h;
      }
      case OTHER_DIRECTION ->
          TestSigning.signer(
                  Direction.PROXY_TO_API,
                  TestSigning.proxyToApi(),
                  Clock.fixed(now, java.time.ZoneOffset.UTC))
              .sign("GET", path, none)
              .asMap();
      case RETIRED_KEY_AFTER_OVERLAP -> {
        Map<String, String> during =
            signer("api0:" + TestSigning.secret(9), Direction.API_TO_PROXY, now)
                .sign("GET", path, none)
                .asMap();
        try (RelayLinkClient first = RelayLinkClient.connect(fixture.linkUri(), during)) {
          assertThat(first.session().isClosed()).isFalse();
        }
        proxyClock.advance(Duration.ofMinutes(11));
        yield signer("api0:" + TestSigning.secret(9), Direction.API_TO_PROXY, proxyClock.instant())
            .sign("GET", path, none)
            .asMap();
      }
    };
  }

  @ParameterizedTest
  @EnumSource(Case.class)
  void internalRequestIsRefused(Case c) throws Exception {
    assertThat(httpCase(c)).isEqualTo(401);
  }

  @ParameterizedTest
  @EnumSource(Case.class)
  void relayLinkUpgradeIsRefused(Case c) throws Exception {
    Map<String, String> headers = linkCase(c);
    RawHttp.Response r = RawHttp.upgrade(fixture.proxy.internalPort(), "/internal/link", headers);
    assertThat(r.status()).isEqualTo(401);
    assertThat(
            Json.createReader(new StringReader(r.body()))
                .readObject()
                .getJsonObject("error")
                .getString("code"))
        .isEqualTo("UNAUTHORIZED");
    assertThatThrownBy(() -> RelayLinkClient.connect(fixture.linkUri(), headers))
        .isInstanceOf(IOException.class);
  }

  @Test
  void correctlySignedRequestsAndUpgradePass() throws Exception {
    Instant now = proxyClock.instant();
    SignedHeaders h = good(now).sign("GET", SESSIONS, new byte[0]);
    HttpResponse<String> r = send(fixture.internal(SESSIONS), "GET", new byte[0], h);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("\"total\":0");
    try (RelayLinkClient link =
        RelayLinkClient.connect(
            fixture.linkUri(), good(now).sign("GET", "/internal/link", new byte[0]).asMap())) {
      assertThatThrownBy(() -> link.open("nobody"))
          .isInstanceOfSatisfying(
              RelayLinkClient.Refused.class,
              e -> assertThat(e.code).isEqualTo("TUNNEL_DISCONNECTED"));
    }
  }

  @Test
  void healthAndMetricsNeedNoSignature() throws Exception {
    assertThat(fixture.plainGet("/observe/health/ready").statusCode()).isEqualTo(200);
    assertThat(fixture.plainGet("/observe/metrics").statusCode()).isEqualTo(200);
  }

  @Test
  void oversizedSignedBodyGets413() throws Exception {
    int limit = io.visiona.proxy.ProxyServer.internalBodyLimit(ProxySettings.loopback());
    byte[] body = new byte[limit + 1];
    SignedHeaders h = good(proxyClock.instant()).sign("POST", FORWARD, body);
    HttpResponse<String> r = send(fixture.internal(FORWARD), "POST", body, h);
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(r.body()).contains("BODY_TOO_LARGE");
  }
}
