package io.visiona.proxy.internal;

import io.helidon.http.HttpPrologue;
import io.helidon.http.Status;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.visiona.proxy.http.ApiError;
import io.visiona.proxy.http.JsonErrors;
import io.visiona.proxy.metrics.ProxyMetrics;
import java.util.logging.Logger;

/**
 * Lets through only authenticated requests on the internal listener (health and metrics excepted,
 * for probes and scrapers on the private network). The body is read here, bounded, because the
 * signature covers it; handlers get it from {@link RequestBodies#read}.
 */
public final class InternalAuthFilter implements Filter {

  private static final Logger LOG = Logger.getLogger(InternalAuthFilter.class.getName());
  private static final String OBSERVE = "/observe";

  private final InternalAuth auth;
  private final ProxyMetrics metrics;

  public InternalAuthFilter(InternalAuth auth, ProxyMetrics metrics) {
    this.auth = auth;
    this.metrics = metrics;
  }

  @Override
  public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
    HttpPrologue prologue = req.prologue();
    String path = prologue.uriPath().rawPath();
    if (path.equals(OBSERVE) || path.startsWith(OBSERVE + "/")) {
      chain.proceed();
      return;
    }
    byte[] body;
    try {
      body = RequestBodies.readRaw(req, auth.maxBodyBytes());
    } catch (ApiError e) {
      metrics.authFailure("body_too_large");
      JsonErrors.send(res, e.status(), e.code(), e.getMessage());
      return;
    }
    InternalAuth.Verdict verdict =
        auth.verify(prologue.method().text(), RequestTarget.of(prologue), req.headers(), body);
    if (!verdict.accepted()) {
      metrics.authFailure(verdict.reason());
      LOG.warning(
          "refused internal request "
              + prologue.method().text()
              + " "
              + path
              + ": "
              + verdict.reason());
      Status status = Status.create(verdict.status());
      JsonErrors.send(
          res,
          status,
          verdict.status() == 401 ? "UNAUTHORIZED" : JsonErrors.codeFor(status),
          verdict.status() == 401 ? "request not authenticated" : "request refused");
      return;
    }
    RequestBodies.attach(req, body);
    chain.proceed();
  }
}
