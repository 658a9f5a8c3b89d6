package io.visiona.api.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.visiona.api.console.ConsoleFiles.StaticFile;
import io.visiona.api.testing.ApiHarness;
import io.visiona.api.testing.MutableClock;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's files over real HTTP: exact paths, content types, the policy, and 404 for the rest.
 */
class ConsoleRoutesTest {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  static ApiHarness api;

  @BeforeAll
  static void start(@TempDir Path dir) {
    api =
        ApiHarness.start(
            dir,
            MutableClock.startingNow(),
            Map.of("oidc.issuer", "http://127.0.0.1:1/unreachable", "oidc.client-id", "spa"));
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  private static Map<String, StaticFile> served() {
    return api.app().console().files();
  }

  @Test
  void theIndexIsAtTheRootItsOwnNameAndThePairingPageAndTheAssetsUnderConsole() {
    assertThat(served().keySet())
        .contains(
            "/",
            "/index.html",
            "/pair",
            "/console/app.js",
            "/console/api.js",
            "/console/dom.js",
            "/console/app.css",
            "/console/favicon.svg",
            "/console/views/devices.js",
            "/console/views/device.js",
            "/console/views/pair.js",
            "/console/views/account.js")
        .allMatch(
            p -> Set.of("/", "/index.html", "/pair").contains(p) || p.startsWith("/console/"));
  }

  @Test
  void everyFileIsServedWithItsTypeThePolicyNosniffAndRevalidation() throws Exception {
    for (Map.Entry<String, StaticFile> e : served().entrySet()) {
      String path = e.getKey();
      HttpResponse<byte[]> res = send("GET", path);
      assertThat(res.statusCode()).as(path).isEqualTo(200);
      assertThat(res.body()).as(path).isEqualTo(classPathBytes(e.getValue().relativePath()));
      assertThat(res.headers().firstValue("content-type"))
          .as(path)
          .contains(expectedType(e.getValue().relativePath()));
      assertThat(res.headers().firstValue("content-security-policy"))
          .as(path)
          .contains(ConsoleRoutes.CONTENT_SECURITY_POLICY);
      assertThat(res.headers().firstValue("x-content-type-options")).as(path).contains("nosniff");
      assertThat(res.headers().firstValue("cache-control")).as(path).contains("no-cache");
      assertThat(res.headers().firstValue("x-frame-options")).as(path).contains("DENY");
      assertThat(res.headers().firstValue("set-cookie")).as(path).isEmpty();
      String etag = res.headers().firstValue("etag").orElseThrow();

      HttpResponse<byte[]> again = send("GET", path, "If-None-Match", etag);
      assertThat(again.statusCode()).as(path + " revalidated").isEqualTo(304);
      assertThat(again.body()).as(path).isEmpty();
      assertThat(send("GET", path, "If-None-Match", "\"other\"").statusCode()).isEqualTo(200);

      HttpResponse<byte[]> head = send("HEAD", path);
      assertThat(head.statusCode()).as("HEAD " + path).isEqualTo(200);
      assertThat(head.body()).as("HEAD " + path).isEmpty();
      assertThat(head.headers().firstValue("content-length"))
          .as("HEAD " + path)
          .contains(Integer.toString(res.body().length));
      assertThat(head.headers().firstValue("content-security-policy"))
          .contains(ConsoleRoutes.CONTENT_SECURITY_POLICY);
    }
  }

  @Test
  void thePolicyIsAtLeastAsStrictAsAsked() {
    String csp = ConsoleRoutes.CONTENT_SECURITY_POLICY;
    assertThat(csp)
        .contains(
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self'",
            "connect-src 'self'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "form-action 'self'")
        .doesNotContain("unsafe-inline", "unsafe-eval", "data:", "*");
  }

  @Test
  void pagesHaveNoInlineScriptOrStyleAndLoadOnlyServedFiles() {
    Pattern reference = Pattern.compile("\\s(?:src|href)=\"([^\"]+)\"");
    for (StaticFile f : served().values()) {
      if (!f.contentType().startsWith("text/html")) {
        continue;
      }
      String html = new String(f.body(), StandardCharsets.UTF_8);
      assertThat(html)
          .as(f.relativePath())
          .doesNotContainPattern("<script(?![^>]*\\ssrc=)")
          .doesNotContainPattern("(?i)<style")
          .doesNotContainPattern("(?i)\\sstyle=")
          .doesNotContainPattern("(?i)\\son[a-z]+=")
          .doesNotContain("javascript:");
      Matcher m = reference.matcher(html);
      while (m.find()) {
        String target = m.group(1);
        if (target.startsWith("/console/")) {
          assertThat(served()).as(f.relativePath() + " loads " + target).containsKey(target);
        } else {
          assertThat(target).as(f.relativePath() + " links " + target).startsWith("/#/");
        }
      }
    }
  }

  @Test
  void anythingElseUnderTheConsoleIsAJson404() throws Exception {
    for (String path :
        new String[] {
          "/console",
          "/console/",
          "/console/nope.js",
          "/console/APP.JS",
          "/console/app.js/more",
          "/console/views",
          "/console/views/",
          "/console/index.html",
          "/console/app.js%00",
          "/index.htm",
          "/pair/x",
          "/app.js"
        }) {
      HttpResponse<byte[]> res = send("GET", path);
      assertThat(res.statusCode()).as(path).isEqualTo(404);
      assertThat(res.headers().firstValue("content-type")).as(path).contains("application/json");
      assertThat(res.headers().firstValue("x-content-type-options")).as(path).contains("nosniff");
      assertThat(new String(res.body(), StandardCharsets.UTF_8))
          .as(path)
          .contains("\"code\":\"NOT_FOUND\"");
    }
    for (String method : new String[] {"POST", "PUT", "DELETE", "PATCH"}) {
      assertThat(send(method, "/console/app.js").statusCode()).as(method).isEqualTo(404);
      assertThat(send(method, "/").statusCode()).as(method + " /").isIn(404, 405);
    }
  }

  private static String expectedType(String name) {
    if (name.endsWith(".html")) {
      return "text/html; charset=utf-8";
    } else if (name.endsWith(".js")) {
      return "text/javascript; charset=utf-8";
    } else if (name.endsWith(".css")) {
      return "text/css; charset=utf-8";
    } else if (name.endsWith(".svg")) {
      return "image/svg+xml";
    }
    throw new AssertionError("a console file this test does not know: " + name);
  }

  private static byte[] classPathBytes(String relative) throws IOException {
    try (InputStream in =
        ConsoleRoutesTest.class.getClassLoader().getResourceAsStream("console/" + relative)) {
      assertThat(in).as(relative).isNotNull();
      return in.readAllBytes();
    }
  }

  static HttpResponse<byte[]> send(String method, String path, String... headers) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(api.base().toString().replaceAll("/$", "") + path))
            .method(method, HttpRequest.BodyPublishers.noBody());
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }
}
