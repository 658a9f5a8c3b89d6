package io.visiona.proxy.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.visiona.proxy.ProxySettings;
import io.visiona.proxy.support.JavaAgent;
import io.visiona.proxy.support.LocalHttpServer;
import io.visiona.proxy.support.MapAuthenticator;
import io.visiona.proxy.support.ProxyFixture;
import io.visiona.proxy.support.ScriptedServer;
import io.visiona.proxy.support.TestSigning;
import io.visiona.server.signing.Direction;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.InputStream;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ForwardHttpTest {

  private ProxyFixture fixture;
  private JavaAgent agent;

  private void start(ProxySettings settings, InetSocketAddress target) throws Exception {
    fixture = new ProxyFixture(settings, new MapAuthenticator().add("c", "box"));
    agent = JavaAgent.connect(fixture.tunnelUri(), "c", target);
    await().until(() -> fixture.proxy.registry().size() == 1);
  }

  @AfterEach
  void stop() {
    if (agent != null) {
      agent.close();
    }
    fixture.close();
  }

  static JsonObject json(String s) {
    return Json.createReader(new StringReader(s)).readObject();
  }

  static String code(HttpResponse<String> r) {
    return json(r.body()).getJsonObject("error").getString("code");
  }

  private HttpResponse<String> forward(String json) throws Exception {
    return fixture.post("/internal/forward/http", json);
  }

  private static String get(String path) {
    return "{\"device_id\":\"box\",\"method\":\"GET\",\"path\":\"" + path + "\"}";
  }

  @Test
  void chunkedResponseIsDecoded() throws Exception {
    try (LocalHttpServer box = new LocalHttpServer("box")) {
      start(ProxySettings.loopback(), box.address());
      HttpResponse<String> r = forward(get("/chunked?n=100000"));
      assertThat(r.statusCode()).isEqualTo(200);
      JsonObject o = json(r.body());
      byte[] body = Base64.getDecoder().decode(o.getString("body"));
      assertThat(body).hasSize(100_000);
      assertThat(new String(body, 0, 3, StandardCharsets.US_ASCII)).isEqualTo("abc");
      assertThat(o.getJsonObject("headers").keySet())
          .noneMatch(h -> h.equalsIgnoreCase("transfer-encoding"));
    }
  }

  @Test
  void responseUntilEndOfStreamAndHeadWithoutBody() throws Exception {
    try (ScriptedServer box =
        ScriptedServer.answering("HTTP/1.0 200 OK\r\nX-A: 1\r\nX-A: 2\r\n\r\nuntil the end")) {
      start(ProxySettings.loopback(), box.address());
      JsonObject o = json(forward(get("/x")).body());
      assertThat(o.getInt("status")).isEqualTo(200);
      assertThat(
              new String(Base64.getDecoder().decode(o.getString("body")), StandardCharsets.UTF_8))
          .isEqualTo("until the end");
      assertThat(o.getJsonObject("headers").getJsonArray("X-A")).hasSize(2);
      JsonObject head =
          json(forward("{\"device_id\":\"box\",\"method\":\"HEAD\",\"path\":\"/x\"}").body());
      assertThat(head.getString("body")).isEmpty();
    }
  }

  @Test
  void deviceNotConnectedIs502TunnelDisconnected() throws Exception {
    try (LocalHttpServer box = new LocalHttpServer("box")) {
      start(ProxySettings.loopback(), box.address());
      HttpResponse<String> r =
          forward("{\"device_id\":\"other\",\"method\":\"GET\",\"path\":\"/hello\"}");
      assertThat(r.statusCode()).isEqualTo(502);
      assertThat(code(r)).isEqualTo("TUNNEL_DISCONNECTED");
    }
  }

  @Test
  void badInputIs400() throws Exception {
    try (LocalHttpServer box = new LocalHttpServer("box")) {
      start(ProxySettings.loopback(), box.address());
      String[] bad = {
        "not json",
        "[]",
        "{\"method\":\"GET\",\"path\":\"/\"}",
        "{\"device_id\":\"box\",\"method\":\"get me\",\"path\":\"/\"}",
        "{\"device_id\":\"box\",\"method\":\"GET\",\"path\":\"no-slash\"}",
        "{\"device_id\":\"box\",\"method\":\"GET\",\"path\":\"/a b\"}",
        "{\"device_id\":\"box\",\"method\":\"GET\",\"path\":\"/\",\"body\":\"***\"}",
        "{\"device_id\":\"box\",\"method\":\"GET\",\"path\":\"/\",\"headers\":{\"X\":\"a\\r\\nInjected: 1\"}}",
        "{\"device_id\":\"box\",\"method\":\"GET\",\"path\":\"/\",\"headers\":{\"Bad Name\":\"a\"}}",
        "{\"device_id\":\"box\",\"method\":\"GET\",\"path\":\"/\",\"headers\":{\"X\":7}}",
        "{\"device_id\":\"../etc\",\"method\":\"GET\",\"path\":\"/\"}"
      };
      for (String b : bad) {
        HttpResponse<String> r = forward(b);
        assertThat(r.statusCode()).as(b).isEqualTo(400);
        assertThat(code(r)).as(b).isEqualTo("BAD_REQUEST");
      }
    }
  }

  @Test
  void requestBodyOverTheLimitIs413() throws Exception {
    ForwardSettings small = new ForwardSettings(1000, 1 << 20, 64 << 10, Duration.ofSeconds(10));
    try (LocalHttpServer box = new LocalHttpServer("box")) {
      start(ProxySettings.loopback().withForward(small), box.address());
      String ok =
          "{\"device_id\":\"box\",\"method\":\"POST\",\"path\":\"/echo\",\"body\":\""
              + Base64.getEncoder().encodeToString(new byte[1000])
              + "\"}";
      assertThat(forward(ok).statusCode()).isEqualTo(200);
      String over =
          "{\"device_id\":\"box\",\"method\":\"POST\",\"path\":\"/echo\",\"body\":\""
              + Base64.getEncoder().encodeToString(new byte[1001])
              + "\"}";
      HttpResponse<String> r = forward(over);
      assertThat(r.statusCode()).isEqualTo(413);
      assertThat(code(r)).isEqualTo("BODY_TOO_LARGE");
    }
  }

  @Test
  void responseBodyOverTheLimitIs502() throws Exception {
    ForwardSettings small = new ForwardSettings(1 << 20, 50_000, 64 << 10, Duration.ofSeconds(10));
    try (LocalHttpServer box = new LocalHttpServer("box")) {
      start(ProxySettings.loopback().withForward(small), box.address());
      assertThat(forward(get("/chunked?n=50000")).statusCode()).isEqualTo(200);
      HttpResponse<String> r = forward(get("/chunked?n=50001"));
      assertThat(r.statusCode()).isEqualTo(502);
      assertThat(code(r)).isEqualTo("RESPONSE_TOO_LARGE");
      await().until(() -> fixture.proxy.registry().openStreams() == 0);
    }
  }

  @Test
  void aRequestOverTheMemoryBudgetIs503BeforeItsBodyIsSent() throws Exception {
    ForwardSettings budget = ForwardSettings.defaults().withMemoryBudget(1 << 20);
    try (LocalHttpServer box = new LocalHttpServer("box")) {
      start(ProxySettings.loopback().withForward(budget), box.address());
      byte[] json =
          ("{\"device_id\":\"box\",\"method\":\"POST\",\"path\":\"/echo\",\"body\":\""
                  + Base64.getEncoder().encodeToString(new byte[600_000])
                  + "\"}")
              .getBytes(StandardCharsets.US_ASCII);
      Map<String, String> signature =
          TestSigning.signer(Direction.API_TO_PROXY, TestSigning.apiToProxy(), Clock.systemUTC())
              .sign("POST", "/internal/forward/http", json)
              .asMap();
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), fixture.proxy.internalPort())) {
        s.setSoTimeout(10_000);
        StringBuilder head =
            new StringBuilder("POST /internal/forward/http HTTP/1.1\r\nHost: localhost\r\n")
                .append("Content-Type: application/json\r\n")
                .append("Content-Length: ")
                .append(json.length)
                .append("\r\n");
        signature.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        s.getOutputStream().write((head + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
        // The body is never sent: the answer comes from the declared length alone.
        InputStream in = s.getInputStream();
        StringBuilder answer = new StringBuilder();
        while (answer.indexOf("\r\n\r\n") < 0) {
          answer.append((char) in.read());
        }
        Matcher length = Pattern.compile("(?i)content-length: *([0-9]+)").matcher(answer);
        assertThat(length.find()).isTrue();
        answer.append(
            new String(in.readNBytes(Integer.parseInt(length.group(1))), StandardCharsets.UTF_8));
        assertThat(answer.toString()).startsWith("HTTP/1.1 503").contains("\"FORWARD_BUSY\"");
      }
      // Within the budget, the same proxy forwards.
      assertThat(forward(get("/hello")).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void anAnswerOutgrowingTheMemoryBudgetIs503() throws Exception {
    ForwardSettings budget = ForwardSettings.defaults().withMemoryBudget(1 << 20);
    try (LocalHttpServer box = new LocalHttpServer("box")) {
      start(ProxySettings.loopback().withForward(budget), box.address());
      assertThat(forward(get("/chunked?n=500000")).statusCode()).isEqualTo(200);
      HttpResponse<String> r = forward(get("/chunked?n=2000000"));
      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(code(r)).isEqualTo("FORWARD_BUSY");
      await().until(() -> fixture.proxy.registry().openStreams() == 0);
      assertThat(forward(get("/chunked?n=500000")).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void oversizedResponseHeadIs502() throws Exception {
    try (ScriptedServer box =
        ScriptedServer.answering("HTTP/1.1 200 OK\r\nX-Big: " + "x".repeat(70_000) + "\r\n\r\n")) {
      start(ProxySettings.loopback(), box.address());
      HttpResponse<String> r = forward(get("/"));
      assertThat(r.statusCode()).isEqualTo(502);
      assertThat(code(r)).isEqualTo("RESPONSE_TOO_LARGE");
    }
  }

  @Test
  void garbageResponseIs502Invalid() throws Exception {
    try (ScriptedServer box = ScriptedServer.answering("SSH-2.0-OpenSSH\r\n\r\n")) {
      start(ProxySettings.loopback(), box.address());
      HttpResponse<String> r = forward(get("/"));
      assertThat(r.statusCode()).isEqualTo(502);
      assertThat(code(r)).isEqualTo("RESPONSE_INVALID");
    }
  }

  /** Each bad answer maps to its stable code, and an interim answer is skipped. */
  @Test
  void answersMapToStableCodes() throws Exception {
    String chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    String fortyKiB = ("X-Filler: " + "x".repeat(5000) + "\r\n").repeat(8);
    Map<String, String> answers = new LinkedHashMap<>();
    Map<String, String> expected = new LinkedHashMap<>();
    BiConsumer<String, String[]> add =
        (name, answerAndCode) -> {
          answers.put(name, answerAndCode[0]);
          expected.put(name, answerAndCode[1]);
        };
    add.accept(
        "interim skipped",
        new String[] {
          "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", "ok"
        });
    add.accept(
        "chunk extension and trailer",
        new String[] {chunked + "2;ext=1\r\nok\r\n0\r\nX-Sum: 1\r\n\r\n", "ok"});
    add.accept("nothing", new String[] {"", "RESPONSE_INVALID"});
    add.accept(
        "101 to a plain request",
        new String[] {
          "HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n", "RESPONSE_INVALID"
        });
    add.accept(
        "bare CR in a value",
        new String[] {"HTTP/1.1 200 OK\r\nX-A: a\r\r\n\r\n", "RESPONSE_INVALID"});
    add.accept(
        "space in a name", new String[] {"HTTP/1.1 200 OK\r\nX A: a\r\n\r\n", "RESPONSE_INVALID"});
    add.accept(
        "conflicting lengths",
        new String[] {
          "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", "RESPONSE_INVALID"
        });
    add.accept(
        "negative length",
        new String[] {"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "RESPONSE_INVALID"});
    add.accept(
        "short fixed body",
        new String[] {
          "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", "RESPONSE_READ_FAILED"
        });
    add.accept(
        "announced length over the limit",
        new String[] {"HTTP/1.1 200 OK\r\nContent-Length: 9000000\r\n\r\n", "RESPONSE_TOO_LARGE"});
    add.accept(
        "bad chunk size", new String[] {chunked + "zz\r\nhello\r\n0\r\n\r\n", "RESPONSE_INVALID"});
    add.accept(
        "chunk without CRLF", new String[] {chunked + "5\r\nhelloX0\r\n\r\n", "RESPONSE_INVALID"});
    add.accept("cut inside a chunk", new String[] {chunked + "5\r\nhel", "RESPONSE_READ_FAILED"});
    add.accept("no last chunk", new String[] {chunked + "5\r\nhello\r\n", "RESPONSE_READ_FAILED"});
    add.accept(
        "chunk size line too long",
        new String[] {
          chunked + "5;" + "e".repeat(2000) + "\r\nhello\r\n0\r\n\r\n", "RESPONSE_TOO_LARGE"
        });
    add.accept(
        "trailers too large",
        new String[] {
          chunked + "0\r\nX-Big: " + "x".repeat(70_000) + "\r\n\r\n", "RESPONSE_TOO_LARGE"
        });
    add.accept(
        "interim and final heads together too large",
        new String[] {
          "HTTP/1.1 100 Continue\r\n" + fortyKiB + "\r\nHTTP/1.1 200 OK\r\n" + fortyKiB + "\r\n",
          "RESPONSE_TOO_LARGE"
        });
    fixture = new ProxyFixture(ProxySettings.loopback(), new MapAuthenticator().add("c", "box"));
    Map<String, String> got = new LinkedHashMap<>();
    for (Map.Entry<String, String> c : answers.entrySet()) {
      try (ScriptedServer box = ScriptedServer.answering(c.getValue())) {
        agent = JavaAgent.connect(fixture.tunnelUri(), "c", box.address());
        await().until(() -> fixture.proxy.registry().size() == 1);
        HttpResponse<String> r = forward(get("/"));
        got.put(
            c.getKey(),
            r.statusCode() == 200
                ? new String(
                    Base64.getDecoder().decode(json(r.body()).getString("body")),
                    StandardCharsets.UTF_8)
                : code(r));
        agent.close();
        agent = null;
        await().until(() -> fixture.proxy.registry().size() == 0);
      }
    }
    assertThat(got).isEqualTo(expected);
    await().until(() -> fixture.proxy.registry().openStreams() == 0);
  }

  @Test
  void silentDeviceIs504AfterTheTimeout() throws Exception {
    ForwardSettings quick = new ForwardSettings(1 << 20, 1 << 20, 64 << 10, Duration.ofMillis(500));
    try (ScriptedServer box = ScriptedServer.silent()) {
      start(ProxySettings.loopback().withForward(quick), box.address());
      long start = System.nanoTime();
      HttpResponse<String> r = forward(get("/"));
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertThat(r.statusCode()).isEqualTo(504);
      assertThat(code(r)).isEqualTo("UPSTREAM_TIMEOUT");
      assertThat(millis).isBetween(400L, 30_000L);
      await().until(() -> fixture.proxy.registry().openStreams() == 0);
    }
  }

  @Test
  void drainingProxyRefusesForwardsWith503() throws Exception {
    try (LocalHttpServer box = new LocalHttpServer("box")) {
      start(ProxySettings.loopback(), box.address());
      AtomicReference<HttpResponse<String>> during = new AtomicReference<>();
      fixture.lifecycle.drainAndStop(
          fixture.proxy.webServer(),
          Duration.ofSeconds(30),
          () -> {
            try {
              during.set(forward(get("/hello")));
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          },
          () -> true);
      assertThat(during.get().statusCode()).isEqualTo(503);
      assertThat(code(during.get())).isEqualTo("DRAINING");
    }
  }
}
