package io.visiona.server.signing;

import static org.assertj.core.api.Assertions.assertThat;

import io.helidon.webserver.WebServer;
import io.visiona.server.Observability;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Real HTTP over a real socket: a Helidon server with the filter, a JDK client that signs. */
class SignatureFilterTest {

  private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final int MAX_BODY = 1024;
  private static final String UNAUTHORIZED_JSON =
      "{\"error\":{\"code\":\"UNAUTHORIZED\",\"message\":\"missing or invalid request signature\"}}";

  private final MutableClock serverClock = new MutableClock(T0);
  private final MutableClock clientClock = new MutableClock(T0);
  private final List<RejectReason> rejected = new CopyOnWriteArrayList<>();
  private final KeyRing apiToProxy = TestKeys.ring(TestKeys.key("k1", 1));
  private final KeyRing proxyToApi = TestKeys.ring(TestKeys.key("p1", 2));
  private final java.util.concurrent.atomic.AtomicInteger handled =
      new java.util.concurrent.atomic.AtomicInteger();
  private WebServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop();
    }
  }

  private void start(KeyRing ring, int replayCacheSize) {
    start(ring, replayCacheSize, PublicPaths.NONE);
  }

  private void start(KeyRing ring, int replayCacheSize, PublicPaths publicPaths) {
    var verifier =
        new RequestVerifier(
            Direction.API_TO_PROXY,
            ring,
            serverClock,
            RequestVerifier.DEFAULT_MAX_SKEW,
            replayCacheSize);
    start(SignatureFilter.verifying(verifier, MAX_BODY, rejected::add, publicPaths));
  }

  private void start(SignatureFilter filter) {
    server =
        WebServer.builder()
            .host("127.0.0.1")
            .port(0)
            .addFeature(Observability.feature(List.of("@default"), List.of()))
            .routing(
                r ->
                    filter
                        .addTo(r)
                        .any(
                            (req, res) -> {
                              if (req.path().path().startsWith("/observe")) {
                                res.next(); // to the observability feature
                                return;
                              }
                              handled.incrementAndGet();
                              VerifiedRequest v = VerifiedRequest.of(req);
                              res.send("key=" + v.keyId() + " body=" + v.bodyAsString());
                            }))
            .build()
            .start();
  }

  private void start() {
    start(apiToProxy, 1000);
  }

  private URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + server.port() + pathAndQuery);
  }

  private SignedHttpRequests client(Direction direction, KeyRing ring) {
    return new SignedHttpRequests(new RequestSigner(direction, ring, clientClock));
  }

  private SignedHttpRequests client() {
    return client(Direction.API_TO_PROXY, apiToProxy);
  }

  private static HttpResponse<String> send(HttpRequest req) throws Exception {
    return HTTP.send(req, HttpResponse.BodyHandlers.ofString());
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private void assertRefused(HttpResponse<String> res, RejectReason reason) {
    assertThat(res.statusCode()).isEqualTo(401);
    assertThat(res.body()).isEqualTo(UNAUTHORIZED_JSON);
    assertThat(res.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(rejected).containsExactly(reason);
  }

  @Test
  void validSignedPostPassesAndTheHandlerReadsTheBody() throws Exception {
    start();
    var res =
        send(client().request("POST", uri("/internal/forward/http"), utf8("{\"a\":1}")).build());
    assertThat(res.statusCode()).isEqualTo(200);
    assertThat(res.body()).isEqualTo("key=k1 body={\"a\":1}");
    assertThat(rejected).isEmpty();
  }

  @Test
  void validSignedGetWithEncodedPathAndQueryPasses() throws Exception {
    start();
    var res =
        send(
            client()
                .request("GET", uri("/internal/session/a%2Fb?x=1&y=%C3%A9+z"), new byte[0])
                .build());
    assertThat(res.statusCode()).isEqualTo(200);
    assertThat(res.body()).isEqualTo("key=k1 body=");
  }

  @Test
  void unsignedRequestIsRefused() throws Exception {
    start();
    var res = send(HttpRequest.newBuilder(uri("/internal/sessions")).build());
    assertRefused(res, RejectReason.MISSING_SIGNATURE);
  }

  @Test
  void wrongKeyIsRefused() throws Exception {
    start();
    KeyRing impostor = TestKeys.ring(TestKeys.key("k1", 99));
    var res =
        send(
            client(Direction.API_TO_PROXY, impostor)
                .request("GET", uri("/internal/sessions"), new byte[0])
                .build());
    assertRefused(res, RejectReason.BAD_SIGNATURE);
  }

  @Test
  void flippedBodyByteIsRefused() throws Exception {
    start();
    byte[] body = utf8("{\"device\":\"abc\"}");
    SignedHeaders headers =
        new RequestSigner(Direction.API_TO_PROXY, apiToProxy, clientClock)
            .sign("POST", "/internal/forward/http", body);
    byte[] tampered = body.clone();
    tampered[3] ^= 1;
    var builder =
        HttpRequest.newBuilder(uri("/internal/forward/http"))
            .POST(HttpRequest.BodyPublishers.ofByteArray(tampered));
    headers.forEach(builder::header);
    assertRefused(send(builder.build()), RejectReason.BAD_DIGEST);
  }

  @Test
  void flippedBodyByteWithRecomputedDigestIsRefused() throws Exception {
    start();
    byte[] body = utf8("{\"device\":\"abc\"}");
    SignedHeaders headers =
        new RequestSigner(Direction.API_TO_PROXY, apiToProxy, clientClock)
            .sign("POST", "/internal/forward/http", body);
    byte[] tampered = body.clone();
    tampered[3] ^= 1;
    var res =
        send(
            HttpRequest.newBuilder(uri("/internal/forward/http"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(tampered))
                .header(SignatureHeader.NAME, headers.signature())
                .header(ContentDigest.HEADER, ContentDigest.of(tampered))
                .build());
    assertRefused(res, RejectReason.BAD_SIGNATURE);
  }

  @Test
  void changedPathIsRefused() throws Exception {
    start();
    var signed = client().request("POST", uri("/internal/session/1/close"), new byte[0]).build();
    var moved =
        HttpRequest.newBuilder(signed, (n, v) -> true).uri(uri("/internal/session/2/close"));
    assertRefused(send(moved.build()), RejectReason.BAD_SIGNATURE);
  }

  @Test
  void changedQueryIsRefused() throws Exception {
    start();
    var signed = client().request("GET", uri("/internal/sessions?limit=1"), new byte[0]).build();
    var moved = HttpRequest.newBuilder(signed, (n, v) -> true).uri(uri("/internal/sessions"));
    assertRefused(send(moved.build()), RejectReason.BAD_SIGNATURE);
  }

  @Test
  void changedMethodIsRefused() throws Exception {
    start();
    var signed = client().request("POST", uri("/internal/session/1"), new byte[0]).build();
    var changed =
        HttpRequest.newBuilder(signed, (n, v) -> true)
            .method("DELETE", HttpRequest.BodyPublishers.noBody());
    assertRefused(send(changed.build()), RejectReason.BAD_SIGNATURE);
  }

  @Test
  void timestampOlderThanTheSkewIsRefused() throws Exception {
    start();
    clientClock.set(T0.minusSeconds(301));
    var res = send(client().request("GET", uri("/internal/sessions"), new byte[0]).build());
    assertRefused(res, RejectReason.STALE);
  }

  @Test
  void timestampAheadOfTheSkewIsRefused() throws Exception {
    start();
    clientClock.set(T0.plusSeconds(301));
    var res = send(client().request("GET", uri("/internal/sessions"), new byte[0]).build());
    assertRefused(res, RejectReason.FUTURE);
  }

  @Test
  void timestampsAtTheSkewLimitPass() throws Exception {
    start();
    clientClock.set(T0.minusSeconds(300));
    assertThat(send(client().request("GET", uri("/a"), new byte[0]).build()).statusCode())
        .isEqualTo(200);
    clientClock.set(T0.plusSeconds(300));
    assertThat(send(client().request("GET", uri("/a"), new byte[0]).build()).statusCode())
        .isEqualTo(200);
  }

  @Test
  void replayedNonceIsRefused() throws Exception {
    start();
    HttpRequest once = client().request("POST", uri("/internal/x"), utf8("hello")).build();
    assertThat(send(once).statusCode()).isEqualTo(200);
    assertRefused(send(once), RejectReason.REPLAY);
  }

  @Test
  void otherDirectionsKeyIsRefused() throws Exception {
    start();
    var res =
        send(
            client(Direction.PROXY_TO_API, proxyToApi)
                .request("GET", uri("/internal/sessions"), new byte[0])
                .build());
    assertRefused(res, RejectReason.UNKNOWN_KEY);
  }

  @Test
  void otherDirectionsLabelIsRefusedEvenWithThisDirectionsKey() throws Exception {
    start();
    // Proves the label is signed: a request signed for the reverse direction cannot be reflected.
    var res =
        send(
            client(Direction.PROXY_TO_API, apiToProxy)
                .request("GET", uri("/internal/sessions"), new byte[0])
                .build());
    assertRefused(res, RejectReason.BAD_SIGNATURE);
  }

  @Test
  void oldKeyWorksDuringTheOverlapAndIsRefusedAfterIt() throws Exception {
    Instant overlapEnds = T0.plus(Duration.ofHours(1));
    SigningKey old = TestKeys.key("old", 3, overlapEnds);
    SigningKey next = TestKeys.key("new", 4);
    start(TestKeys.ring(old, next), 1000);
    // A sender that has not switched yet still signs with the old key.
    var lagging = new RequestSigner(Direction.API_TO_PROXY, TestKeys.ring(old), clientClock);
    var switched = client(Direction.API_TO_PROXY, TestKeys.ring(next, old));

    var during =
        send(new SignedHttpRequests(lagging).request("GET", uri("/a"), new byte[0]).build());
    assertThat(during.body()).isEqualTo("key=old body=");

    serverClock.set(overlapEnds.plusSeconds(1));
    clientClock.set(overlapEnds);
    var after =
        send(new SignedHttpRequests(lagging).request("GET", uri("/a"), new byte[0]).build());
    assertRefused(after, RejectReason.RETIRED_KEY);

    rejected.clear();
    clientClock.set(overlapEnds.plusSeconds(1));
    assertThat(send(switched.request("GET", uri("/a"), new byte[0]).build()).body())
        .isEqualTo("key=new body=");
  }

  @Test
  void malformedSignatureHeaderIsRefused() throws Exception {
    start();
    var res =
        send(
            HttpRequest.newBuilder(uri("/internal/sessions"))
                .header(SignatureHeader.NAME, "keyid=\"k1\",created=soon,nonce=\"x\",sig=\"y\"")
                .header(ContentDigest.HEADER, ContentDigest.of(new byte[0]))
                .build());
    assertRefused(res, RejectReason.MALFORMED);
  }

  @Test
  void duplicateSignatureHeaderIsRefused() throws Exception {
    start();
    SignedHeaders h =
        new RequestSigner(Direction.API_TO_PROXY, apiToProxy, clientClock)
            .sign("GET", "/a", new byte[0]);
    var res =
        send(
            HttpRequest.newBuilder(uri("/a"))
                .header(SignatureHeader.NAME, h.signature())
                .header(SignatureHeader.NAME, h.signature())
                .header(ContentDigest.HEADER, h.contentDigest())
                .build());
    assertRefused(res, RejectReason.MALFORMED);
  }

  @Test
  void missingContentDigestIsRefused() throws Exception {
    start();
    SignedHeaders h =
        new RequestSigner(Direction.API_TO_PROXY, apiToProxy, clientClock)
            .sign("GET", "/a", new byte[0]);
    var res =
        send(HttpRequest.newBuilder(uri("/a")).header(SignatureHeader.NAME, h.signature()).build());
    assertRefused(res, RejectReason.MALFORMED);
  }

  @Test
  void bodyAtTheLimitPasses() throws Exception {
    start();
    byte[] body = new byte[MAX_BODY];
    java.util.Arrays.fill(body, (byte) 'a');
    var res = send(client().request("POST", uri("/a"), body).build());
    assertThat(res.statusCode()).isEqualTo(200);
    assertThat(res.body()).hasSize("key=k1 body=".length() + MAX_BODY);
  }

  @Test
  void oversizedBodyIsRefusedWith413() throws Exception {
    start();
    var res = send(client().request("POST", uri("/a"), new byte[MAX_BODY + 1]).build());
    assertThat(res.statusCode()).isEqualTo(413);
    assertThat(res.body()).contains("\"code\":\"BODY_TOO_LARGE\"");
    assertThat(rejected).containsExactly(RejectReason.BODY_TOO_LARGE);
  }

  @Test
  void oversizedChunkedBodyIsRefusedWith413() throws Exception {
    start();
    byte[] body = new byte[MAX_BODY * 4];
    SignedHeaders h =
        new RequestSigner(Direction.API_TO_PROXY, apiToProxy, clientClock).sign("POST", "/a", body);
    // ofInputStream has no known length, so the client sends it chunked, without Content-Length.
    var builder =
        HttpRequest.newBuilder(uri("/a"))
            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)));
    h.forEach(builder::header);
    var res = send(builder.build());
    assertThat(res.statusCode()).isEqualTo(413);
    assertThat(rejected).containsExactly(RejectReason.BODY_TOO_LARGE);
  }

  @Test
  void fullReplayCacheRefusesNewRequestsUntilNoncesLeaveTheWindow() throws Exception {
    start(apiToProxy, 2);
    HttpRequest first = client().request("GET", uri("/a"), new byte[0]).build();
    assertThat(send(first).statusCode()).isEqualTo(200);
    serverClock.advance(Duration.ofSeconds(10));
    clientClock.advance(Duration.ofSeconds(10));
    assertThat(send(client().request("GET", uri("/b"), new byte[0]).build()).statusCode())
        .isEqualTo(200);

    var full = send(client().request("GET", uri("/c"), new byte[0]).build());
    assertThat(full.statusCode()).isEqualTo(503);
    assertThat(full.headers().firstValue("Retry-After")).hasValue("1");
    assertThat(full.body()).contains("\"code\":\"OVERLOADED\"");
    // Full does not mean forgetful: the first nonce is still refused as a replay.
    assertThat(send(first).statusCode()).isEqualTo(401);
    assertThat(rejected).containsExactly(RejectReason.REPLAY_CACHE_FULL, RejectReason.REPLAY);

    // Once the first nonce is past its window (created + 300 s) its slot is free again.
    serverClock.set(T0.plusSeconds(301));
    clientClock.set(T0.plusSeconds(301));
    assertThat(send(client().request("GET", uri("/c"), new byte[0]).build()).statusCode())
        .isEqualTo(200);
  }

  @Test
  void observabilityOnTheSameListenerIsGuardedUnlessDeclaredPublic() throws Exception {
    start();
    assertRefused(
        send(HttpRequest.newBuilder(uri("/observe/health")).build()),
        RejectReason.MISSING_SIGNATURE);
  }

  @Test
  void exactPublicPathsPassUnsignedAndNothingThatRoutesElsewhere() throws Exception {
    start(apiToProxy, 1000, PublicPaths.OBSERVE);
    for (String open :
        List.of(
            "/observe/health",
            "/observe/health/live",
            "/observe/health/ready",
            "/observe/metrics",
            "/observe/health;x=1")) {
      assertThat(send(HttpRequest.newBuilder(uri(open)).build()).statusCode())
          .as(open)
          .isEqualTo(200);
    }
    assertThat(handled).hasValue(0);
    for (String sneaky :
        List.of(
            "/observe",
            "/observe/",
            "/observer",
            "/observe/healthz",
            "/internal/sessions",
            "/observe/../internal/sessions",
            "/observe//../internal/sessions",
            "/observe/./../internal/sessions",
            "/observe/health/../../internal/sessions",
            "/observe/..;/internal/sessions",
            "/observe/%2e%2e/internal/sessions",
            "/observe/%2E%2E/internal/sessions",
            "/observe/health/%2e%2e/%2e%2e/internal/sessions",
            "/observe%2f..%2finternal/sessions",
            "/observe//health/../../internal/sessions")) {
      var res = RawRequest.send(server.port(), "GET " + sneaky + " HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(res).as(sneaky).startsWith("HTTP/1.1 401");
    }
    assertThat(handled).as("requests that reached the handler").hasValue(0);
  }

  @Test
  void publicPathsAreReadOnly() throws Exception {
    start(apiToProxy, 1000, PublicPaths.OBSERVE);
    var res =
        send(
            HttpRequest.newBuilder(uri("/observe/health"))
                .POST(HttpRequest.BodyPublishers.ofString("x"))
                .build());
    assertRefused(res, RejectReason.MISSING_SIGNATURE);
  }

  @Test
  void anUnsignedRequestIsRefusedBeforeItsBodyIsRead() throws Exception {
    start();
    // Ten megabytes announced, none sent: the answer must come without waiting for the body.
    String res =
        RawRequest.send(
            server.port(),
            "POST /internal/forward/http HTTP/1.1\r\nHost: x\r\n"
                + "Content-Type: application/json\r\nContent-Length: 10000000\r\n\r\n{");
    assertThat(res).startsWith("HTTP/1.1 401");
    assertThat(rejected).containsExactly(RejectReason.MISSING_SIGNATURE);
    assertThat(handled).hasValue(0);
  }

  @Test
  void aSignedRequestAnnouncingAnOversizedBodyIsRefusedBeforeItIsRead() throws Exception {
    start();
    byte[] body = new byte[MAX_BODY + 1];
    SignedHeaders h =
        new RequestSigner(Direction.API_TO_PROXY, apiToProxy, clientClock).sign("POST", "/a", body);
    String res =
        RawRequest.send(
            server.port(),
            "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: "
                + body.length
                + "\r\n"
                + SignatureHeader.NAME
                + ": "
                + h.signature()
                + "\r\n"
                + ContentDigest.HEADER
                + ": "
                + h.contentDigest()
                + "\r\n\r\n");
    assertThat(res).startsWith("HTTP/1.1 413");
    assertThat(handled).hasValue(0);
  }

  @Test
  void withoutKeysEverythingButThePublicPathsIsRefused() throws Exception {
    start(SignatureFilter.denyingAll(Direction.API_TO_PROXY, rejected::add, PublicPaths.OBSERVE));
    assertThat(send(HttpRequest.newBuilder(uri("/observe/health")).build()).statusCode())
        .isEqualTo(200);
    var res = send(client().request("GET", uri("/internal/sessions"), new byte[0]).build());
    assertRefused(res, RejectReason.NOT_CONFIGURED);
    assertThat(handled).hasValue(0);
  }

  @Test
  void aFloodOfUnsignedRequestsIsCountedInFullButLogsABoundedNumberOfLines() throws Exception {
    start();
    java.util.List<String> lines = new CopyOnWriteArrayList<>();
    java.util.logging.Logger logger =
        java.util.logging.Logger.getLogger(Rejections.class.getName());
    java.util.logging.Handler capture =
        new java.util.logging.Handler() {
          @Override
          public void publish(java.util.logging.LogRecord record) {
            lines.add(record.getMessage());
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    logger.addHandler(capture);
    try {
      for (int i = 0; i < 150; i++) {
        assertThat(
                RawRequest.send(
                    server.port(), "GET /internal/sessions HTTP/1.1\r\nHost: x\r\n\r\n"))
            .startsWith("HTTP/1.1 401");
      }
    } finally {
      logger.removeHandler(capture);
    }
    assertThat(rejected).hasSize(150);
    assertThat(lines).hasSize(60);
  }
}
