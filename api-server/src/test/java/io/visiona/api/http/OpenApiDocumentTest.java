package io.visiona.api.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.helidon.http.Method;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import io.visiona.api.http.ApiRoutes.Access;
import io.visiona.api.persistence.User;
import io.visiona.api.session.SessionService;
import io.visiona.api.testing.ApiHarness;
import io.visiona.api.testing.MutableClock;
import io.visiona.api.testing.OpenApiContract;
import io.visiona.api.testing.TestBrowser;
import io.visiona.server.errors.ErrorCode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code GET /openapi}: the document is public, exact, valid OpenAPI 3.1 (swagger-parser), names
 * exactly the live routes (ApiRoutes and BoxRoutes, walked at run time) with their access, and the
 * main flows' real answers, errors included, validate against it.
 */
class OpenApiDocumentTest {

  private static final String ISSUER = "http://127.0.0.1:1/unreachable";
  private static final Set<Method> SAFE = Set.of(Method.GET, Method.HEAD, Method.OPTIONS);
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  static final MutableClock CLOCK = MutableClock.startingNow();
  static ApiHarness api;
  static String yaml;
  static OpenApiContract contract;
  static OpenAPI model;

  @BeforeAll
  static void start(@TempDir Path dir) {
    api = ApiHarness.start(dir, CLOCK, Map.of("oidc.issuer", ISSUER, "oidc.client-id", "spa"));
    HttpResponse<String> served = api.browser().get(OpenApiDocument.PATH);
    assertThat(served.statusCode()).isEqualTo(200);
    yaml = served.body();
    HttpResponse<String> json = api.browser().get(OpenApiDocument.PATH + "?format=json");
    assertThat(json.statusCode()).isEqualTo(200);
    contract = new OpenApiContract(json.body());
    ParseOptions options = new ParseOptions();
    options.setResolve(true);
    options.setResolveFully(true);
    SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(yaml, null, options);
    assertThat(parsed.getMessages()).as("swagger-parser messages").isEmpty();
    model = parsed.getOpenAPI();
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  /** {@code METHOD /path} of every live route, in the document's path syntax. */
  static Map<String, Access> liveRoutes() {
    Map<String, Access> live = new HashMap<>();
    for (ApiRoutes.Route r : api.app().routes().routes()) {
      live.put(key(r.method().text(), r.path()), r.access());
    }
    api.app()
        .boxRoutes()
        .table()
        .routes()
        .forEach(r -> live.put(key(r.method().text(), r.path()), Access.PUBLIC));
    return live;
  }

  /** Helidon's multi-segment {@code {+path}} is an ordinary {@code {path}} in OpenAPI. */
  static String key(String method, String path) {
    return method.toUpperCase(Locale.ROOT) + " " + path.replace("{+", "{");
  }

  static Map<String, Operation> documentedOperations() {
    Map<String, Operation> ops = new HashMap<>();
    model
        .getPaths()
        .forEach(
            (path, item) ->
                item.readOperationsMap().forEach((m, op) -> ops.put(key(m.name(), path), op)));
    return ops;
  }

  @Test
  void theServedDocumentIsOpenApi31InBothForms() {
    assertThat(model.getOpenapi()).isEqualTo("3.1.0");
    // YAML by default, as application/vnd.oai.openapi (the OpenAPI YAML media type).
    assertThat(api.browser().get(OpenApiDocument.PATH).headers().firstValue("content-type"))
        .hasValue("application/vnd.oai.openapi");
    assertThat(yaml).startsWith("openapi: 3.1.0");
    // The JSON form carries the same paths as the YAML one.
    Set<String> jsonPaths = new HashSet<>();
    contract.document().path("paths").propertyNames().forEach(jsonPaths::add);
    assertThat(jsonPaths).isEqualTo(model.getPaths().keySet());
  }

  @Test
  void theDocumentNamesExactlyTheLiveRoutes() {
    assertThat(documentedOperations().keySet()).isEqualTo(liveRoutes().keySet());
  }

  @Test
  void publicRoutesAreMarkedPublicAndSessionRoutesNeedTheCookie() {
    assertThat(model.getComponents().getSecuritySchemes().get("session").getName())
        .isEqualTo(api.app().sessions().cookieName());
    Map<String, Access> live = liveRoutes();
    documentedOperations()
        .forEach(
            (key, op) -> {
              boolean needsSession =
                  op.getSecurity() == null
                      ? model.getSecurity().stream().anyMatch(s -> s.containsKey("session"))
                      : op.getSecurity().stream().anyMatch(s -> s.containsKey("session"));
              assertThat(needsSession).as(key).isEqualTo(live.get(key) == Access.SESSION);
              if (needsSession) {
                assertThat(errorCodes(key, 401)).as(key).containsExactly("UNAUTHENTICATED");
              }
            });
  }

  @Test
  void unsafeApiOperationsNeedTheCsrfHeader() {
    List<String> checked = new ArrayList<>();
    documentedOperations()
        .forEach(
            (key, op) -> {
              String[] mp = key.split(" ", 2);
              if (SAFE.contains(Method.create(mp[0])) || !mp[1].startsWith("/api/")) {
                return;
              }
              List<Parameter> csrf =
                  op.getParameters() == null
                      ? List.of()
                      : op.getParameters().stream()
                          .filter(p -> p.getName().equals("X-CSRF") && p.getIn().equals("header"))
                          .toList();
              assertThat(csrf).as(key).hasSize(1);
              assertThat(csrf.getFirst().getRequired()).as(key).isTrue();
              assertThat(errorCodes(key, 403))
                  .as(key)
                  .containsExactlyInAnyOrder("CSRF_HEADER_MISSING", "CSRF_CROSS_ORIGIN");
              checked.add(key);
            });
    assertThat(checked).hasSizeGreaterThan(10);
  }

  @Test
  void theErrorCodeSchemaIsTheServersTableAndEveryListedCodeHasItsStatus() {
    List<String> documented = new ArrayList<>();
    contract
        .document()
        .at("/components/schemas/ErrorCode/enum")
        .forEach(c -> documented.add(c.asString()));
    assertThat(documented)
        .containsExactlyElementsOf(Arrays.stream(ErrorCode.values()).map(ErrorCode::code).toList());

    int listed = 0;
    for (Map.Entry<String, Operation> e : documentedOperations().entrySet()) {
      for (String status : e.getValue().getResponses().keySet()) {
        if (!status.matches("\\d{3}")) {
          continue;
        }
        for (String code : errorCodes(e.getKey(), Integer.parseInt(status))) {
          assertThat(ErrorCode.valueOf(code).status().code())
              .as(e.getKey() + " " + status + " " + code)
              .isEqualTo(Integer.parseInt(status));
          listed++;
        }
        if (status.startsWith("4") || status.startsWith("5")) {
          assertThat(errorCodes(e.getKey(), Integer.parseInt(status)))
              .as(e.getKey() + " " + status + " lists its codes")
              .isNotEmpty();
        }
      }
    }
    assertThat(listed).isGreaterThan(100);
  }

  private static List<String> errorCodes(String key, int status) {
    String[] mp = key.split(" ", 2);
    return contract.response(mp[0], mp[1], status).errorCodes();
  }

  @Test
  void theDocumentIsAPublicExactRouteOfThePublicListenerOnly() throws Exception {
    HttpResponse<String> r =
        api.browser().get(OpenApiDocument.PATH, "Origin", "https://elsewhere.example");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("access-control-allow-credentials")).isEmpty();
    assertThat(r.headers().firstValue("set-cookie")).isEmpty();
    assertThat(api.browser().get(OpenApiDocument.PATH, "Accept", "application/json").body().strip())
        .startsWith("{");
    for (String path : List.of("/openapi/", "/openapi/x", "/openapi.json", "/openapi/ui")) {
      HttpResponse<String> other = api.browser().get(path);
      assertThat(other.statusCode()).as(path).isEqualTo(404);
      assertThat(other.body()).as(path).startsWith("{\"error\":{\"code\":\"NOT_FOUND\"");
    }
    for (String method : List.of("POST", "PUT", "DELETE")) {
      HttpResponse<String> other = api.browser().send(method, OpenApiDocument.PATH, "{}", null);
      assertThat(other.statusCode()).as(method).isEqualTo(404);
    }
    // Not on the internal listener (its unsigned requests are refused anyway; never a document).
    HttpResponse<String> internal =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(api.internalBase() + "openapi")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(internal.statusCode()).isNotEqualTo(200);
    assertThat(internal.body()).doesNotContain("openapi:");
  }

  @Test
  void theFeatureServesOnlyTheListenerItIsGivenAndReplacesTheDiscoveredOne() throws Exception {
    // Helidon discovers its OpenAPI feature by itself (every listener); ours has the same name and
    // replaces it. A bare server with two listeners shows where the document is served.
    io.helidon.webserver.WebServer bare =
        io.helidon.webserver.WebServer.builder()
            .host("127.0.0.1")
            .port(0)
            .putSocket("other", l -> l.host("127.0.0.1").port(0))
            .addFeature(OpenApiDocument.feature(io.helidon.webserver.WebServer.DEFAULT_SOCKET_NAME))
            .build()
            .start();
    try {
      assertThat(get(bare.port(), OpenApiDocument.PATH).statusCode()).isEqualTo(200);
      assertThat(get(bare.port("other"), OpenApiDocument.PATH).statusCode()).isEqualTo(404);
    } finally {
      bare.stop();
    }
  }

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theMainFlowsAnswerAsDocumented() {
    User u = api.app().users().upsertOnLogin(ISSUER, "flows", "f@example.com", "Flo", 0);
    SessionService.Created session = api.app().sessions().create(u, "test-agent");
    TestBrowser person = api.browser();
    person.cookies().put(api.app().sessions().cookieName(), session.cookieValue());
    TestBrowser box = api.browser();
    TestBrowser anonymous = api.browser();

    // Pairing: the box starts, polls too early, the person looks and approves, the box gets its
    // credential.
    HttpResponse<String> started =
        check(
            "POST",
            "/v1/pair/start",
            box.send("POST", "/v1/pair/start", "{\"name\":\"Kitchen box\"}", "application/json"),
            200);
    String deviceCode = field(started, "device_code");
    String userCode = field(started, "user_code");
    String poll = "{\"device_code\":\"" + deviceCode + "\"}";
    check(
        "POST",
        "/v1/pair/token",
        box.send("POST", "/v1/pair/token", poll, "application/json"),
        400);
    HttpResponse<String> slowDown =
        check(
            "POST",
            "/v1/pair/token",
            box.send("POST", "/v1/pair/token", poll, "application/json"),
            400);
    assertThat(field(slowDown, "error")).isEqualTo("slow_down");
    check("GET", "/api/pairings/{code}", person.get("/api/pairings/" + userCode), 200);
    check(
        "POST",
        "/api/pairings/{code}/approve",
        person.spa("POST", "/api/pairings/" + userCode + "/approve", "{\"name\":\"Kitchen\"}"),
        200);
    check(
        "POST",
        "/api/pairings/{code}/deny",
        person.spa("POST", "/api/pairings/" + userCode + "/deny", null),
        409);
    CLOCK.advance(Duration.ofMinutes(1));
    HttpResponse<String> issued =
        check(
            "POST",
            "/v1/pair/token",
            box.send("POST", "/v1/pair/token", poll, "application/json"),
            200);
    String deviceId = field(issued, "device_id");
    String device = "/api/devices/" + deviceId;

    // The person's views.
    check("GET", "/api/auth/me", person.get("/api/auth/me"), 200);
    check("GET", "/api/auth/sessions", person.get("/api/auth/sessions"), 200);
    check("GET", "/api/devices", person.get("/api/devices"), 200);
    check("GET", "/api/devices/{id}", person.get(device), 200);
    check("PATCH", "/api/devices/{id}", person.spa("PATCH", device, "{\"name\":\"Hall\"}"), 200);
    check("GET", "/api/audit", person.get("/api/audit"), 200);
    HttpResponse<String> page = check("GET", "/api/audit", person.get("/api/audit?limit=1"), 200);
    assertThat(page.body()).contains("\"next\":");

    // The box rotates its credential; the person sees and revokes the old one.
    HttpResponse<String> rotated =
        check(
            "POST",
            "/v1/device/credential/rotate",
            box.send(
                "POST",
                "/v1/device/credential/rotate",
                null,
                null,
                "Authorization",
                "Bearer " + field(issued, "credential")),
            200);
    assertThat(field(rotated, "device_id")).isEqualTo(deviceId);
    HttpResponse<String> credentials =
        check("GET", "/api/devices/{id}/credentials", person.get(device + "/credentials"), 200);
    String oldCredential =
        JsonMapper.shared()
            .readTree(credentials.body())
            .path("credentials")
            .get(0)
            .path("id")
            .asString();
    check(
        "DELETE",
        "/api/devices/{id}/credentials/{cid}",
        person.spa("DELETE", device + "/credentials/" + oldCredential, null),
        204);

    // Errors, each with its documented code.
    check("GET", "/api/auth/me", anonymous.get("/api/auth/me"), 401);
    check("GET", "/api/devices/{id}", person.get("/api/devices/no-such-device"), 404);
    check(
        "PATCH",
        "/api/devices/{id}",
        person.send("PATCH", device, "{\"name\":\"x\"}", "application/json"),
        403);
    check("PATCH", "/api/devices/{id}", person.spa("PATCH", device, "[1]"), 400);
    check(
        "PATCH",
        "/api/devices/{id}",
        person.send(
            "PATCH", device, "name=x", "text/plain", "X-CSRF", "1", "Origin", person.origin()),
        415);
    check("GET", "/api/audit", person.get("/api/audit?limit=0"), 400);
    check("GET", "/api/pairings/{code}", person.get("/api/pairings/AAAA-BBBB"), 404);
    check(
        "POST",
        "/v1/device/credential/rotate",
        box.send("POST", "/v1/device/credential/rotate", null, null, "Authorization", "Bearer x"),
        401);
    check("GET", "/api/auth/login", anonymous.get("/api/auth/login"), 503);
    // No remote-proxy in this test, so no presence: device access answers that it is offline.
    check("GET", "/api/devices/{id}/agent/{path}", person.get(device + "/agent/api/status"), 502);
    check(
        "GET", "/api/devices/{id}/agent/{path}", person.get(device + "/agent/%2e%2e/secret"), 400);

    check("DELETE", "/api/devices/{id}", person.spa("DELETE", device, null), 204);
    check("POST", "/api/auth/logout", person.spa("POST", "/api/auth/logout", null), 200);
  }

  private static HttpResponse<String> check(
      String method, String template, HttpResponse<String> res, int expectedStatus) {
    assertThat(res.statusCode())
        .as(method + " " + template + ": " + res.body())
        .isEqualTo(expectedStatus);
    contract.check(method, template, res);
    return res;
  }

  private static String field(HttpResponse<String> res, String name) {
    JsonNode v = JsonMapper.shared().readTree(res.body()).path(name);
    assertThat(v.isMissingNode()).as(name + " in " + res.body()).isFalse();
    return v.asString();
  }

  @Test
  void theContractRefusesAnAnswerTheDocumentDoesNotAllow() {
    // The validator is not vacuous: a wrong shape, an unlisted code and an undocumented status
    // all fail.
    HttpResponse<String> me = api.browser().get("/api/auth/me");
    assertThat(me.statusCode()).isEqualTo(401);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> contract.check("GET", "/api/devices", fake(me, 200, "{\"devices\":[{}]}")))
        .isInstanceOf(AssertionError.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                contract.check(
                    "GET",
                    "/api/auth/me",
                    fake(me, 401, "{\"error\":{\"code\":\"DEVICE_NOT_FOUND\",\"message\":\"\"}}")))
        .isInstanceOf(AssertionError.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> contract.check("GET", "/api/auth/me", fake(me, 418, "{}")))
        .isInstanceOf(AssertionError.class);
    contract.check("GET", "/api/auth/me", me);
  }

  /** A copy of a real answer with another status and body. */
  private static HttpResponse<String> fake(HttpResponse<String> real, int status, String body) {
    return new HttpResponse<>() {
      @Override
      public int statusCode() {
        return status;
      }

      @Override
      public HttpRequest request() {
        return real.request();
      }

      @Override
      public java.util.Optional<HttpResponse<String>> previousResponse() {
        return java.util.Optional.empty();
      }

      @Override
      public java.net.http.HttpHeaders headers() {
        return real.headers();
      }

      @Override
      public String body() {
        return body;
      }

      @Override
      public java.util.Optional<javax.net.ssl.SSLSession> sslSession() {
        return java.util.Optional.empty();
      }

      @Override
      public URI uri() {
        return real.uri();
      }

      @Override
      public HttpClient.Version version() {
        return real.version();
      }
    };
  }
}
