package io.visiona.api.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A browser stand-in over real HTTP: a cookie jar for the api-server's origin, no automatic
 * redirects (tests follow them step by step and look at each response).
 */
public final class TestBrowser {

  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .followRedirects(HttpClient.Redirect.NEVER)
          .version(HttpClient.Version.HTTP_1_1)
          .build();

  private final URI api;
  private final Map<String, String> cookies = new LinkedHashMap<>();

  public TestBrowser(URI api) {
    this.api = api;
  }

  public Map<String, String> cookies() {
    return cookies;
  }

  public HttpResponse<String> get(String pathOrUrl, String... headers) {
    return send("GET", pathOrUrl, null, null, headers);
  }

  /** A same-origin unsafe request as the SPA sends it (X-CSRF, Origin, JSON body if any). */
  public HttpResponse<String> spa(String method, String path, String jsonBody) {
    return send(
        method,
        path,
        jsonBody,
        jsonBody == null ? null : "application/json",
        "X-CSRF",
        "1",
        "Origin",
        origin(),
        "Sec-Fetch-Site",
        "same-origin");
  }

  public String origin() {
    return api.getScheme() + "://" + api.getRawAuthority();
  }

  public HttpResponse<String> send(
      String method, String pathOrUrl, String body, String contentType, String... headers) {
    URI uri = pathOrUrl.startsWith("http") ? URI.create(pathOrUrl) : api.resolve(pathOrUrl);
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    boolean sameOrigin = api.getRawAuthority().equals(uri.getRawAuthority());
    if (sameOrigin && !cookies.isEmpty()) {
      b.header(
          "Cookie",
          cookies.entrySet().stream()
              .map(e -> e.getKey() + "=" + e.getValue())
              .collect(Collectors.joining("; ")));
    }
    try {
      HttpResponse<String> res = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
      if (sameOrigin) {
        remember(res.headers().allValues("set-cookie"));
      }
      return res;
    } catch (IOException e) {
      throw new IllegalStateException(method + " " + uri + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private void remember(List<String> setCookies) {
    for (String sc : setCookies) {
      String[] parts = sc.split(";");
      String[] nv = parts[0].split("=", 2);
      boolean delete = false;
      for (int i = 1; i < parts.length; i++) {
        if (parts[i].trim().equalsIgnoreCase("Max-Age=0")) {
          delete = true;
        }
      }
      if (delete) {
        cookies.remove(nv[0].trim());
      } else {
        cookies.put(nv[0].trim(), nv.length > 1 ? nv[1] : "");
      }
    }
  }

  public static URI location(HttpResponse<?> res) {
    return URI.create(
        res.headers()
            .firstValue("location")
            .orElseThrow(() -> new AssertionError("no Location in " + res.statusCode())));
  }
}
