package io.visiona.api.http;

import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.visiona.server.errors.ErrorCode;
import io.visiona.server.errors.ErrorEnvelope;
import java.util.OptionalLong;

/**
 * Refuses a request that announces a body over {@code api.http.max-payload-size} with 413 before
 * any handler runs, keeping the connection: Helidon then reads and drops the body, so the client,
 * still sending, reads its 413. (Helidon's own check closes the connection with the body unread,
 * and the kernel's reset can make the client lose the answer.) The listener's hard limit, {@link
 * #HARD_LIMIT_FACTOR} times larger, bounds what is drained.
 */
public final class BodyLimitFilter implements Filter {

  /** The listener's own limit, as a multiple of the configured one: the most ever drained. */
  public static final long HARD_LIMIT_FACTOR = 4;

  private final long maxBytes;

  public BodyLimitFilter(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  @Override
  public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
    OptionalLong declared = req.headers().contentLength();
    if (declared.isPresent() && declared.getAsLong() > maxBytes) {
      ErrorEnvelope.send(res, ErrorCode.BODY_TOO_LARGE, "request body over " + maxBytes + " bytes");
      return;
    }
    chain.proceed();
  }
}
