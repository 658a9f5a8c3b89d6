package io.visiona.proxy.forward;

import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.visiona.proxy.http.ApiError;
import io.visiona.proxy.http.JsonErrors;
import io.visiona.proxy.metrics.ProxyMetrics;
import io.visiona.proxy.tunnel.TunnelException;
import io.visiona.proxy.tunnel.TunnelRegistry;
import io.visiona.server.signing.VerifiedRequest;
import io.visiona.tunnel.Stream;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * {@code POST /internal/forward/http}: one HTTP request to a device's local API through its tunnel;
 * see {@link ForwardRequest} for the request and the ADR on the internal API for the response.
 */
public final class ForwardService implements HttpService {

  private final TunnelRegistry registry;
  private final ForwardSettings settings;
  private final Http1Exchange exchange;
  private final ProxyMetrics metrics;
  private final BooleanSupplier draining;

  public ForwardService(
      TunnelRegistry registry,
      ForwardSettings settings,
      ProxyMetrics metrics,
      BooleanSupplier draining) {
    this.registry = registry;
    this.settings = settings;
    this.exchange = new Http1Exchange(settings);
    this.metrics = metrics;
    this.draining = draining;
  }

  @Override
  public void routing(HttpRules rules) {
    rules.post("/forward/http", this::forward);
  }

  private void forward(ServerRequest req, ServerResponse res) {
    if (draining.getAsBoolean()) {
      fail(res, Status.SERVICE_UNAVAILABLE_503, TunnelException.DRAINING, "proxy is draining");
      return;
    }
    ForwardRequest request;
    try {
      request = ForwardRequest.parse(VerifiedRequest.of(req).body(), settings.maxRequestBody());
    } catch (ApiError e) {
      metrics.forwardOutcome(e.code());
      throw e;
    }
    long deadline = System.nanoTime() + settings.timeout().toNanos();
    Stream stream;
    try {
      stream = registry.openStream(request.deviceId());
    } catch (TunnelException e) {
      Status status =
          e.code().equals(TunnelException.DISCONNECTED)
                  || e.code().equals(TunnelException.OPEN_FAILED)
              ? Status.BAD_GATEWAY_502
              : Status.SERVICE_UNAVAILABLE_503;
      fail(res, status, e.code(), e.getMessage());
      return;
    }
    ForwardResponse response;
    try {
      response = exchange.exchange(stream, request, deadline);
    } catch (ForwardFailure f) {
      stream.reset();
      fail(res, f.status(), f.code(), f.getMessage());
      return;
    }
    stream.close();
    metrics.forwardOutcome("ok");
    JsonErrors.sendJson(res, Status.OK_200, toJson(response));
  }

  private void fail(ServerResponse res, Status status, String code, String message) {
    metrics.forwardOutcome(code);
    JsonErrors.send(res, status, code, message);
  }

  static String toJson(ForwardResponse r) {
    Map<String, JsonArrayBuilder> grouped = new LinkedHashMap<>();
    r.headers()
        .forEach(
            h -> grouped.computeIfAbsent(h.name(), n -> Json.createArrayBuilder()).add(h.value()));
    JsonObjectBuilder headers = Json.createObjectBuilder();
    grouped.forEach(headers::add);
    return Json.createObjectBuilder()
        .add("status", r.status())
        .add("headers", headers)
        .add("body", Base64.getEncoder().encodeToString(r.body()))
        .build()
        .toString();
  }
}
