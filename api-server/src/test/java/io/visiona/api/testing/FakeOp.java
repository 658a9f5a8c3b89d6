package io.visiona.api.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.visiona.api.crypto.Hashes;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A scriptable OpenID Provider on a real HTTP server: discovery, JWKS, authorize (redirects at
 * once), token (checks PKCE S256 and client authentication like a strict provider). Tests change
 * its behaviour to make it misbehave: other issuer, other keys, bad tokens, an {@code iss}
 * parameter.
 */
public final class FakeOp implements AutoCloseable {

  /** How the token endpoint expects the client to authenticate. */
  public enum ExpectedAuth {
    PUBLIC,
    BASIC,
    POST
  }

  /** A recorded token request. */
  public record TokenRequest(Map<String, String> form, String authorization) {}

  private record Grant(String clientId, String redirectUri, String challenge, String nonce) {}

  public static final String CLIENT_ID = "visiona-spa";
  public static final String CLIENT_SECRET = "s3cret-for-tests";

  private final HttpServer server;
  private final Clock clock;
  private final String issuer;
  private final Map<String, Grant> codes = new ConcurrentHashMap<>();
  public final AtomicInteger jwksFetches = new AtomicInteger();
  public final AtomicInteger discoveryFetches = new AtomicInteger();
  public final List<TokenRequest> tokenRequests = new CopyOnWriteArrayList<>();

  public final RSAKey key1 = rsa("key-1");
  public final RSAKey key2 = rsa("key-2");
  public final ECKey ecKey = ec("ec-1");

  // Behaviour knobs; volatile: read on the server's threads.
  public volatile String discoveryIssuer;
  public volatile boolean advertiseIssParameter;
  public volatile String issParameter;
  public volatile ExpectedAuth expectedAuth = ExpectedAuth.PUBLIC;
  public volatile List<JWK> published = List.of(key1);
  public volatile List<String> extraJwksEntries = List.of();
  public volatile Function<JWTClaimsSet, String> signer = claims -> sign(key1, true, claims);
  public volatile Consumer<JWTClaimsSet.Builder> claims = b -> {};
  public volatile String authorizeError;

  public FakeOp(Clock clock) throws IOException {
    this.clock = clock;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    issuer = "http://127.0.0.1:" + server.getAddress().getPort() + "/op";
    discoveryIssuer = issuer;
    server.createContext("/op/.well-known/openid-configuration", this::discovery);
    server.createContext("/op/jwks", this::jwks);
    server.createContext("/op/authorize", this::authorize);
    server.createContext("/op/token", this::token);
    server.start();
  }

  public String issuer() {
    return issuer;
  }

  /** api-server settings that point the login client at this provider. */
  public Map<String, String> settings() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("oidc.issuer", issuer);
    m.put("oidc.client-id", CLIENT_ID);
    m.put("oidc.post-logout-redirect-uri", "http://127.0.0.1/logged-out");
    return m;
  }

  private void discovery(HttpExchange ex) throws IOException {
    discoveryFetches.incrementAndGet();
    String json =
        "{\"issuer\":\""
            + discoveryIssuer
            + "\",\"authorization_endpoint\":\""
            + issuer
            + "/authorize\",\"token_endpoint\":\""
            + issuer
            + "/token\",\"jwks_uri\":\""
            + issuer
            + "/jwks\",\"end_session_endpoint\":\""
            + issuer
            + "/logout\",\"response_types_supported\":[\"code\"],"
            + "\"code_challenge_methods_supported\":[\"S256\"],"
            + "\"id_token_signing_alg_values_supported\":[\"RS256\",\"ES256\",\"HS256\"],"
            + "\"authorization_response_iss_parameter_supported\":"
            + advertiseIssParameter
            + "}";
    respond(ex, 200, json);
  }

  private void jwks(HttpExchange ex) throws IOException {
    jwksFetches.incrementAndGet();
    List<String> entries = new ArrayList<>(extraJwksEntries);
    for (JWK k : published) {
      entries.add(k.toPublicJWK().toJSONString());
    }
    respond(ex, 200, "{\"keys\":[" + String.join(",", entries) + "]}");
  }

  private void authorize(HttpExchange ex) throws IOException {
    Map<String, String> q = parse(ex.getRequestURI().getRawQuery());
    String redirect = q.get("redirect_uri");
    StringBuilder loc = new StringBuilder(redirect).append('?');
    if (authorizeError != null) {
      loc.append("error=").append(authorizeError);
    } else {
      if (!"S256".equals(q.get("code_challenge_method")) || q.get("code_challenge") == null) {
        respond(ex, 400, "{\"error\":\"invalid_request\"}");
        return;
      }
      String code = UUID.randomUUID().toString();
      codes.put(
          code, new Grant(q.get("client_id"), redirect, q.get("code_challenge"), q.get("nonce")));
      loc.append("code=").append(code);
    }
    loc.append("&state=").append(enc(q.get("state")));
    if (issParameter != null) {
      loc.append("&iss=").append(enc(issParameter));
    }
    ex.getResponseHeaders().add("Location", loc.toString());
    ex.sendResponseHeaders(302, -1);
    ex.close();
  }

  private void token(HttpExchange ex) throws IOException {
    Map<String, String> form =
        parse(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    String authz = ex.getRequestHeaders().getFirst("Authorization");
    tokenRequests.add(new TokenRequest(form, authz));
    if (!clientAuthenticated(form, authz)) {
      respond(ex, 401, "{\"error\":\"invalid_client\"}");
      return;
    }
    Grant g = codes.remove(form.getOrDefault("code", ""));
    if (g == null
        || !"authorization_code".equals(form.get("grant_type"))
        || !g.redirectUri().equals(form.get("redirect_uri"))
        || form.get("code_verifier") == null
        || !Hashes.sha256Base64Url(form.get("code_verifier")).equals(g.challenge())) {
      respond(ex, 400, "{\"error\":\"invalid_grant\"}");
      return;
    }
    Date now = Date.from(clock.instant());
    JWTClaimsSet.Builder b =
        new JWTClaimsSet.Builder()
            .issuer(issuer)
            .subject("alice")
            .audience(CLIENT_ID)
            .issueTime(now)
            .expirationTime(Date.from(clock.instant().plus(Duration.ofMinutes(5))))
            .claim("nonce", g.nonce())
            .claim("email", "alice@example.com")
            .claim("name", "Alice");
    claims.accept(b);
    String idToken = signer.apply(b.build());
    respond(
        ex,
        200,
        "{\"access_token\":\"at-"
            + UUID.randomUUID()
            + "\",\"token_type\":\"Bearer\",\"expires_in\":300,\"id_token\":\""
            + idToken
            + "\"}");
  }

  private boolean clientAuthenticated(Map<String, String> form, String authz) {
    return switch (expectedAuth) {
      case PUBLIC ->
          CLIENT_ID.equals(form.get("client_id"))
              && authz == null
              && !form.containsKey("client_secret");
      case POST ->
          CLIENT_ID.equals(form.get("client_id"))
              && CLIENT_SECRET.equals(form.get("client_secret"))
              && authz == null;
      case BASIC ->
          ("Basic "
                      + Base64.getEncoder()
                          .encodeToString(
                              (CLIENT_ID + ":" + CLIENT_SECRET).getBytes(StandardCharsets.UTF_8)))
                  .equals(authz)
              && !form.containsKey("client_secret");
    };
  }

  // ---- token makers ----

  public static String sign(RSAKey key, boolean withKid, JWTClaimsSet claims) {
    JWSHeader.Builder h = new JWSHeader.Builder(JWSAlgorithm.RS256);
    if (withKid) {
      h.keyID(key.getKeyID());
    }
    try {
      SignedJWT jwt = new SignedJWT(h.build(), claims);
      jwt.sign(new RSASSASigner(key));
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String signEs256(ECKey key, JWTClaimsSet claims) {
    try {
      SignedJWT jwt =
          new SignedJWT(
              new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(), claims);
      jwt.sign(new ECDSASigner(key));
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String signHs256(String secret, JWTClaimsSet claims) {
    try {
      SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
      jwt.sign(new MACSigner(secret.repeat(4).getBytes(StandardCharsets.UTF_8)));
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String unsigned(JWTClaimsSet claims) {
    return new PlainJWT(claims).serialize();
  }

  public static RSAKey rsa(String kid) {
    try {
      return new RSAKeyGenerator(2048).keyID(kid).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  static ECKey ec(String kid) {
    try {
      return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- plumbing ----

  private static void respond(HttpExchange ex, int status, String json) throws IOException {
    byte[] b = json.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(status, b.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(b);
    }
  }

  static Map<String, String> parse(String query) {
    if (query == null || query.isEmpty()) {
      return Collections.emptyMap();
    }
    Map<String, String> m = new LinkedHashMap<>();
    for (String pair : query.split("&")) {
      String[] kv = pair.split("=", 2);
      m.put(
          URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
          kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
    }
    return m;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s == null ? "" : s, StandardCharsets.UTF_8);
  }

  public static Map<String, String> query(URI uri) {
    return parse(uri.getRawQuery());
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
