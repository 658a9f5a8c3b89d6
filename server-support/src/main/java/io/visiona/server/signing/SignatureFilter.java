package io.visiona.server.signing;

import io.helidon.http.HttpPrologue;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * Lets through only correctly signed requests; install it on the routing of an internal listener:
 *
 * <pre>{@code
 * SignatureFilter.verifying(verifier, maxBody, metrics, PublicPaths.OBSERVE).addTo(routing);
 * }</pre>
 *
 * <p>The signature covers the request line and the {@code Content-Digest} header, so it is checked
 * before any of the body is read: a forged request costs no memory. A verified request reaches its
 * handler, which reads the body through {@link VerifiedRequest#of}: at most {@code maxBodyBytes},
 * compared with the signed digest before it is returned. A body over the limit (413) or one that
 * does not match its digest (401) is answered here, as any other refusal: 401 (503 when the replay
 * cache is full) with the JSON error envelope; the reason goes to the log and to {@code onReject}.
 *
 * <p>Install it with {@link #addTo}. Handlers behind this filter must read the body only through
 * {@link VerifiedRequest}, never through {@code req.content()}, which would skip the digest check.
 *
 * <p>WebSocket upgrades never reach HTTP filters in Helidon 4.2: check them with {@link
 * SignedUpgrade} inside the {@code WsListener}.
 */
public final class SignatureFilter implements Filter {

  /** Over-limit bodies up to this many times the limit are drained rather than cut off. */
  static final long DRAIN_FACTOR = 4;

  /** 1 MiB: internal requests are small JSON documents. */
  public static final int DEFAULT_MAX_BODY_BYTES = 1 << 20;

  /** The body is held in memory; beyond this, stream and sign differently. */
  public static final int MAX_MAX_BODY_BYTES = 64 << 20;

  private final RequestVerifier verifier;
  private final int maxBodyBytes;
  private final Rejections rejections;
  private final PublicPaths publicPaths;

  private SignatureFilter(
      RequestVerifier verifier,
      Direction direction,
      int maxBodyBytes,
      Consumer<RejectReason> onReject,
      PublicPaths publicPaths) {
    if (maxBodyBytes < 0 || maxBodyBytes > MAX_MAX_BODY_BYTES) {
      throw new IllegalArgumentException(
          "max body size must be between 0 and " + MAX_MAX_BODY_BYTES + " bytes");
    }
    this.verifier = verifier;
    this.maxBodyBytes = maxBodyBytes;
    this.rejections = new Rejections(direction, onReject);
    this.publicPaths = publicPaths;
  }

  /**
   * @param onReject called once per refused request, e.g. {@link SignatureMetrics#counter}
   * @param publicPaths exact paths that need no signature, e.g. {@link PublicPaths#OBSERVE} when
   *     health and metrics share the listener
   */
  public static SignatureFilter verifying(
      RequestVerifier verifier,
      int maxBodyBytes,
      Consumer<RejectReason> onReject,
      PublicPaths publicPaths) {
    return new SignatureFilter(verifier, verifier.direction(), maxBodyBytes, onReject, publicPaths);
  }

  /** {@link #verifying} with no public path. */
  public static SignatureFilter verifying(
      RequestVerifier verifier, int maxBodyBytes, Consumer<RejectReason> onReject) {
    return verifying(verifier, maxBodyBytes, onReject, PublicPaths.NONE);
  }

  /**
   * For a listener without verification keys: every request but the public paths is refused ({@link
   * RejectReason#NOT_CONFIGURED}), so a missing key never opens the listener.
   */
  public static SignatureFilter denyingAll(
      Direction direction, Consumer<RejectReason> onReject, PublicPaths publicPaths) {
    return new SignatureFilter(null, direction, 0, onReject, publicPaths);
  }

  /**
   * Installs the filter and the error handler that answers for a body refused when the handler
   * reads it (too large, digest mismatch). Use this rather than {@code addFilter} alone.
   */
  public HttpRouting.Builder addTo(HttpRouting.Builder routing) {
    return routing
        .addFilter(this)
        .error(
            SignedBody.Refused.class,
            (req, res, refused) ->
                refuse(res, req.prologue(), refused.reason(), refused.getMessage()));
  }

  @Override
  public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
    HttpPrologue prologue = req.prologue();
    if (publicPaths.matches(prologue)) {
      chain.proceed();
      return;
    }
    if (verifier == null) {
      refuse(res, prologue, RejectReason.NOT_CONFIGURED, "no verification keys configured");
      return;
    }
    List<String> digests = req.headers().all(SignedUpgrade.DIGEST, List::of);
    VerificationResult head =
        verifier.verifyHead(
            prologue.method().text(),
            RequestTarget.of(prologue),
            req.headers().all(SignedUpgrade.SIGNATURE, List::of),
            digests);
    if (head instanceof VerificationResult.Rejected rejected) {
      refuse(res, prologue, rejected.reason(), rejected.detail());
      return;
    }
    OptionalLong declared = req.headers().contentLength();
    if (declared.isPresent() && declared.getAsLong() > maxBodyBytes) {
      rejections.record(prologue, RejectReason.BODY_TOO_LARGE, "declared " + declared.getAsLong());
      // A signed sender's body up to DRAIN_FACTOR times the limit is read and dropped by Helidon
      // after the answer, so the sender gets its 413; closing with it unread would make the kernel
      // reset the connection and could lose the answer. Larger ones close the connection.
      boolean drain = declared.getAsLong() <= maxBodyBytes * DRAIN_FACTOR;
      Rejections.send(res, RejectReason.BODY_TOO_LARGE, !drain);
      return;
    }
    String keyId = ((VerificationResult.Accepted) head).keyId();
    VerifiedRequest.attach(req, keyId, new SignedBody(req, digests.get(0), maxBodyBytes));
    chain.proceed();
  }

  private void refuse(
      ServerResponse res, HttpPrologue prologue, RejectReason reason, String detail) {
    rejections.record(prologue, reason, detail);
    Rejections.send(res, reason, reason == RejectReason.BODY_TOO_LARGE);
  }
}
