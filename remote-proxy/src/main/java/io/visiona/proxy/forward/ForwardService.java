package io.visiona.proxy.forward;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.visiona.proxy.metrics.ProxyMetrics;
import io.visiona.proxy.tunnel.TunnelException;
import io.visiona.proxy.tunnel.TunnelRegistry;
import io.visiona.server.errors.ApiError;
import io.visiona.server.errors.ErrorCode;
import io.visiona.server.errors.ErrorEnvelope;
import io.visiona.server.signing.VerifiedRequest;
import io.visiona.tunnel.Stream;
import java.io.IOException;
import java.util.OptionalLong;
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
  private final ForwardBudget budget;

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
    this.budget = new ForwardBudget(settings.effectiveMemoryBudget());
  }

  @Override
  public void routing(HttpRules rules) {
    rules.post("/forward/http", this::forward);
  }

  private void forward(ServerRequest req, ServerResponse res) throws IOException {
    if (draining.getAsBoolean()) {
      fail(res, ErrorCode.DRAINING, "proxy is draining");
      return;
    }
    long cost = requestCost(req);
    ForwardBudget.Lease lease = budget.tryLease(cost);
    if (lease == null) {
      // Before a byte of the body is read.
      fail(res, ErrorCode.FORWARD_BUSY, "the proxy has no memory free for more forwards; retry");
      return;
    }
    try (lease) {
      forward(req, res, lease, cost);
    }
  }

  /**
   * What reading the request holds at its peak: the JSON twice while it is read (a growing buffer
   * and the final array), by its {@code Content-Length}, or at the largest allowed if chunked.
   */
  private long requestCost(ServerRequest req) {
    long max = settings.maxRequestJson() + 1L;
    OptionalLong declared = req.headers().contentLength();
    if (declared.isPresent()) {
      return 2 * Math.min(Math.max(declared.getAsLong(), 0), max);
    }
    return req.content().hasEntity() ? 2 * max : 0;
  }

  private void forward(ServerRequest req, ServerResponse res, ForwardBudget.Lease lease, long cost)
      throws IOException {
    ForwardRequest request;
    try {
      VerifiedRequest verified = VerifiedRequest.of(req);
      request = ForwardRequest.parse(verified::bodyStream, settings.maxRequestBody());
    } catch (ApiError e) {
      metrics.forwardOutcome(e.code());
      throw e;
    }
    lease.shrink(cost / 2); // read: the JSON is held once now
    long deadline = System.nanoTime() + settings.timeout().toNanos();
    Stream stream;
    try {
      stream = registry.openStream(request.deviceId());
    } catch (TunnelException e) {
      // The tunnel's codes are in the table, with their status (502 or 503).
      fail(res, ErrorCode.valueOf(e.code()), e.getMessage());
      return;
    }
    ForwardResponse response;
    try {
      response = exchange.exchange(stream, request, lease, deadline);
    } catch (ForwardFailure f) {
      stream.reset();
      fail(res, f.code(), f.getMessage());
      return;
    }
    stream.close();
    metrics.forwardOutcome("ok");
    ForwardAnswer.send(res, response);
  }

  private void fail(ServerResponse res, ErrorCode code, String message) {
    metrics.forwardOutcome(code.code());
    ErrorEnvelope.send(res, code, message);
  }

  /** Bytes the forwards in flight hold now (for tests and diagnostics). */
  public long bytesInFlight() {
    return budget.used();
  }
}
