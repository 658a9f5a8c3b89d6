package io.visiona.api.console;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.visiona.api.console.ConsoleFiles.StaticFile;
import io.visiona.server.errors.ErrorCode;
import io.visiona.server.errors.ErrorEnvelope;
import io.visiona.server.routes.RouteTable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reference console: static files, public (they hold no data; everything personal comes from
 * {@code /api} with the session). Each file has its own exact GET and HEAD route, from the list
 * read at start: {@code index.html} at {@code /}, {@code /index.html} and {@code /pair} (the
 * pairing page boxes point people to), every other file at {@code /console/<path>}. Anything else
 * under {@code /console} is a JSON 404. Routes are recorded for the tests that walk them.
 */
public final class ConsoleRoutes {

  /** Where the console's files live on the class path. */
  public static final String FOLDER = "console";

  /** The URL prefix of every console file but the index. */
  public static final String PREFIX = "/console/";

  /** The paths that serve {@code index.html}. */
  public static final List<String> INDEX_PATHS = List.of("/", "/index.html", "/pair");

  /**
   * Only the console's own files, no inline script or style, no frames, no plugins; fetches,
   * WebSockets and images to this origin only, and DOM sinks closed to strings.
   */
  public static final String CONTENT_SECURITY_POLICY =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
          + "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; "
          + "require-trusted-types-for 'script'; trusted-types 'none'";

  static final HeaderName CSP = HeaderNames.create("Content-Security-Policy");
  static final HeaderName NOSNIFF = HeaderNames.create("X-Content-Type-Options");
  static final HeaderName REFERRER_POLICY = HeaderNames.create("Referrer-Policy");
  static final HeaderName FRAME_OPTIONS = HeaderNames.create("X-Frame-Options");
  static final HeaderName OPENER_POLICY = HeaderNames.create("Cross-Origin-Opener-Policy");
  static final HeaderName RESOURCE_POLICY = HeaderNames.create("Cross-Origin-Resource-Policy");

  private final Map<String, StaticFile> byUrlPath;
  private final RouteTable table = new RouteTable();

  ConsoleRoutes(Map<String, StaticFile> files) {
    Map<String, StaticFile> paths = new LinkedHashMap<>();
    for (String p : INDEX_PATHS) {
      paths.put(p, files.get("index.html"));
    }
    files.values().stream()
        .filter(f -> !f.relativePath().equals("index.html"))
        .forEach(f -> paths.put(PREFIX + f.relativePath(), f));
    this.byUrlPath = Map.copyOf(paths);
  }

  /** The console read from the class path ({@link #FOLDER}). */
  public static ConsoleRoutes fromClassPath() {
    return new ConsoleRoutes(ConsoleFiles.load(ConsoleRoutes.class.getClassLoader(), FOLDER));
  }

  /** Every URL path served, with its file. */
  public Map<String, StaticFile> files() {
    return byUrlPath;
  }

  public void applyTo(HttpRules rules) {
    HttpRules recorded = table.recording(rules);
    byUrlPath.keySet().stream()
        .sorted()
        .forEach(
            path -> {
              StaticFile file = byUrlPath.get(path);
              recorded.route(Method.GET, path, (req, res) -> serve(file, req, res, true));
              recorded.route(Method.HEAD, path, (req, res) -> serve(file, req, res, false));
            });
    Handler unknown =
        (req, res) -> ErrorEnvelope.send(res, ErrorCode.NOT_FOUND, "no such console file");
    rules.any("/console", unknown).any("/console/*", unknown);
  }

  /** The console's routes, as registered. */
  public RouteTable table() {
    return table;
  }

  private static void serve(StaticFile file, ServerRequest req, ServerResponse res, boolean body) {
    res.header(HeaderNames.CONTENT_TYPE, file.contentType());
    // Revalidated on every use: a new release is seen at once, an unchanged file costs a 304.
    res.header(HeaderNames.CACHE_CONTROL, "no-cache");
    res.header(HeaderNames.ETAG, file.etag());
    res.header(NOSNIFF, "nosniff");
    res.header(CSP, CONTENT_SECURITY_POLICY);
    res.header(FRAME_OPTIONS, "DENY");
    res.header(REFERRER_POLICY, "same-origin");
    res.header(OPENER_POLICY, "same-origin");
    res.header(RESOURCE_POLICY, "same-origin");
    if (req.headers().first(HeaderNames.IF_NONE_MATCH).map(v -> matches(v, file)).orElse(false)) {
      res.status(Status.NOT_MODIFIED_304).send();
      return;
    }
    if (body) {
      res.send(file.body());
    } else {
      res.header(HeaderNames.CONTENT_LENGTH, Integer.toString(file.body().length));
      res.send();
    }
  }

  /** {@code If-None-Match}: a list of validators, or {@code *}. */
  private static boolean matches(String ifNoneMatch, StaticFile file) {
    for (String tag : ifNoneMatch.split(",")) {
      String t = tag.trim();
      if (t.equals("*") || t.equals(file.etag()) || t.equals("W/" + file.etag())) {
        return true;
      }
    }
    return false;
  }
}
