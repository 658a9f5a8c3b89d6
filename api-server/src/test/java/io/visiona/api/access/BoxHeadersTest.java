package io.visiona.api.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.WritableHeaders;
import io.visiona.server.http1.ResponseHead;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What crosses the api-server between the browser and the box, in both directions. */
class BoxHeadersTest {

  private static final DeviceTarget TARGET =
      DeviceTarget.of("/api/devices/d1/agent/x", Optional.of("q=1")).orElseThrow();
  private static final BoxRequestHead.Forwarded FORWARDED =
      new BoxRequestHead.Forwarded("198.51.100.7", "https", "app.example", TARGET.prefix());

  private static String request(WritableHeaders<?> h, BoxRequestHead.Framing framing, long n) {
    return new String(
        BoxRequestHead.encode("POST", TARGET, h, FORWARDED, framing, n),
        StandardCharsets.ISO_8859_1);
  }

  @Test
  void theApiServersOwnHeadersNeverReachTheBox() {
    WritableHeaders<?> h = WritableHeaders.create();
    h.add(HeaderNames.create("Cookie"), "session=secret");
    h.add(HeaderNames.create("Authorization"), "Bearer secret");
    h.add(HeaderNames.create("X-CSRF"), "1");
    h.add(HeaderNames.create("Origin"), "https://app.example");
    h.add(HeaderNames.create("Referer"), "https://app.example/devices");
    h.add(HeaderNames.create("Sec-Fetch-Site"), "same-origin");
    h.add(HeaderNames.create("X-Forwarded-For"), "10.9.9.9");
    h.add(HeaderNames.create("Forwarded"), "for=10.9.9.9");
    h.add(HeaderNames.create("Host"), "app.example");
    h.add(HeaderNames.create("Connection"), "keep-alive, X-Private");
    h.add(HeaderNames.create("X-Private"), "hop");
    h.add(HeaderNames.create("Transfer-Encoding"), "chunked");
    h.add(HeaderNames.create("Accept"), "text/event-stream");
    h.add(HeaderNames.create("X-Custom"), "a");
    h.add(HeaderNames.create("X-Custom"), "b");
    String head = request(h, BoxRequestHead.Framing.LENGTH, 5);

    assertThat(head)
        .startsWith("POST /x?q=1 HTTP/1.1\r\nHost: localhost\r\n")
        .endsWith("Content-Length: 5\r\nConnection: close\r\n\r\n")
        .contains("Accept: text/event-stream\r\n", "X-Custom: a\r\n", "X-Custom: b\r\n")
        .contains(
            "X-Forwarded-For: 198.51.100.7\r\n",
            "X-Forwarded-Proto: https\r\n",
            "X-Forwarded-Host: app.example\r\n",
            "X-Forwarded-Prefix: /api/devices/d1/agent\r\n")
        .doesNotContain(
            "secret",
            "X-CSRF",
            "Origin:",
            "Referer",
            "Sec-Fetch",
            "10.9.9.9",
            "X-Private",
            "keep-alive",
            "Transfer-Encoding",
            "app.example/devices");
  }

  @Test
  void bodiesWithoutALengthGoChunkedAndUpgradesKeepTheirHandshake() {
    WritableHeaders<?> h = WritableHeaders.create();
    h.add(HeaderNames.create("Sec-WebSocket-Key"), "dGhlIHNhbXBsZSBub25jZQ==");
    h.add(HeaderNames.create("Sec-WebSocket-Version"), "13");
    h.add(HeaderNames.create("Upgrade"), "websocket");
    assertThat(request(h, BoxRequestHead.Framing.CHUNKED, 0))
        .contains("Transfer-Encoding: chunked\r\n")
        .doesNotContain("Content-Length");
    String upgrade = request(h, BoxRequestHead.Framing.WEBSOCKET, 0);
    assertThat(upgrade)
        .contains(
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n", "Sec-WebSocket-Version: 13\r\n")
        .endsWith("Upgrade: websocket\r\nConnection: Upgrade\r\n\r\n");
    assertThat(upgrade.split("Upgrade: websocket", -1)).hasSize(2); // once, not twice
  }

  private static ResponseHead head(String text) throws IOException {
    return ResponseHead.read(
        new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1)), 8192);
  }

  @Test
  void aBoxCannotActOnTheApisOrigin() throws IOException {
    ResponseHead box =
        head(
            "HTTP/1.1 200 OK\r\n"
                + "Content-Type: text/html\r\n"
                + "Set-Cookie: session=planted; Path=/\r\n"
                + "Clear-Site-Data: \"cookies\"\r\n"
                + "Access-Control-Allow-Origin: *\r\n"
                + "Access-Control-Allow-Credentials: true\r\n"
                + "Strict-Transport-Security: max-age=0\r\n"
                + "Service-Worker-Allowed: /\r\n"
                + "Content-Security-Policy: default-src *\r\n"
                + "Cache-Control: public, max-age=31536000\r\n"
                + "Connection: close, X-Hop\r\n"
                + "X-Hop: 1\r\n"
                + "Content-Length: 10\r\n"
                + "Link: </a.css>; rel=preload\r\n"
                + "Link: </b.css>; rel=preload\r\n"
                + "ETag: \"v1\"\r\n\r\n");
    ServerResponseHeaders out = ServerResponseHeaders.create();
    BoxResponseHeaders.apply(box, out, ContentSecurityPolicies.defaults());

    List<String> names = out.stream().map(h -> h.name().toLowerCase()).toList();
    assertThat(names)
        .doesNotContain(
            "set-cookie",
            "clear-site-data",
            "access-control-allow-origin",
            "access-control-allow-credentials",
            "strict-transport-security",
            "service-worker-allowed",
            "x-hop",
            "connection",
            "content-length");
    assertThat(out.get(HeaderNames.create("Content-Security-Policy")).allValues())
        .containsExactly("sandbox");
    assertThat(out.first(HeaderNames.create("X-Content-Type-Options"))).hasValue("nosniff");
    assertThat(out.first(HeaderNames.create("Referrer-Policy"))).hasValue("no-referrer");
    assertThat(out.first(HeaderNames.create("Cross-Origin-Resource-Policy")))
        .hasValue("same-origin");
    assertThat(out.get(HeaderNames.CACHE_CONTROL).allValues()).containsExactly("no-store");
    assertThat(out.first(HeaderNames.CONTENT_TYPE)).hasValue("text/html");
    assertThat(out.first(HeaderNames.create("ETag"))).hasValue("\"v1\"");
    assertThat(out.get(HeaderNames.create("Link")).allValues()).hasSize(2);
  }

  @Test
  void thePolicyIsChosenByMediaType() throws IOException {
    ContentSecurityPolicies policies =
        new ContentSecurityPolicies(
            "sandbox",
            List.of(
                new ContentSecurityPolicies.ForMediaType("text/html", "sandbox allow-scripts")));
    ServerResponseHeaders html = ServerResponseHeaders.create();
    BoxResponseHeaders.apply(
        head("HTTP/1.1 200 OK\r\nContent-Type: Text/HTML; charset=utf-8\r\n\r\n"), html, policies);
    assertThat(html.first(HeaderNames.create("Content-Security-Policy")))
        .hasValue("sandbox allow-scripts");
    ServerResponseHeaders json = ServerResponseHeaders.create();
    BoxResponseHeaders.apply(
        head("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n"), json, policies);
    assertThat(json.first(HeaderNames.create("Content-Security-Policy"))).hasValue("sandbox");
  }
}
