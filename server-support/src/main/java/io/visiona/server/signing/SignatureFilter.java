package io.visiona.server.signing;

import io.helidon.http.HttpPrologue;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Lets through only correctly signed requests; install it on the routing of an internal listener:
 *
 * <pre>{@code
 * .routing("internal", r -> r.addFilter(new SignatureFilter(verifier, maxBody, metrics)) ...)
 * }</pre>
 *
 * <p>It reads the whole body (at most {@code maxBodyBytes}, else 413) to check its digest, then
 * hands it to the handler through {@link VerifiedRequest#of}. Refusals get 401 (503 when the replay
 * cache is full) with the JSON error envelope; the reason goes to the log and to {@code onReject}.
 *
 * <p>WebSocket upgrades never reach HTTP filters in Helidon 4.2: check them with {@link
 * SignedUpgrade} inside the {@code WsListener}.
 */
public final class SignatureFilter implements Filter {

  /** 1 MiB: internal requests are small JSON documents. */
  public static final int DEFAULT_MAX_BODY_BYTES = 1 << 20;

  /** The filter buffers the body in memory; beyond this, stream and sign differently. */
  public static final int MAX_MAX_BODY_BYTES = 64 << 20;

  // Public paths are matched on the raw path; anything that a router might normalise or decode
  // (dots, percent signs, matrix parameters, double slashes) is never public.
  private static final Pattern PLAIN_PATH = Pattern.compile("(/[A-Za-z0-9_-]+)+");

  private final RequestVerifier verifier;
  private final int maxBodyBytes;
  private final Rejections rejections;
  private final List<String> publicPrefixes;

  /**
   * @param onReject called once per refused request, e.g. {@link SignatureMetrics#counter}
   */
  public SignatureFilter(
      RequestVerifier verifier, int maxBodyBytes, Consumer<RejectReason> onReject) {
    this(verifier, maxBodyBytes, onReject, List.of());
  }

  /**
   * @param publicPrefixes path prefixes that need no signature, e.g. {@code /observe} when health
   *     and metrics share the listener; a prefix covers itself and the paths below it
   */
  public SignatureFilter(
      RequestVerifier verifier,
      int maxBodyBytes,
      Consumer<RejectReason> onReject,
      List<String> publicPrefixes) {
    for (String prefix : publicPrefixes) {
      if (!PLAIN_PATH.matcher(prefix).matches()) {
        throw new IllegalArgumentException(
            "public path prefix must look like /a/b (letters, digits, _ and -): " + prefix);
      }
    }
    this.publicPrefixes = List.copyOf(publicPrefixes);
    if (maxBodyBytes < 0 || maxBodyBytes > MAX_MAX_BODY_BYTES) {
      throw new IllegalArgumentException(
          "max body size must be between 0 and " + MAX_MAX_BODY_BYTES + " bytes");
    }
    this.verifier = verifier;
    this.maxBodyBytes = maxBodyBytes;
    this.rejections = new Rejections(verifier.direction(), onReject);
  }

  @Override
  public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
    HttpPrologue prologue = req.prologue();
    if (isPublic(prologue.uriPath().rawPath())) {
      chain.proceed();
      return;
    }
    byte[] body = readBody(req);
    if (body == null) {
      refuse(res, prologue, RejectReason.BODY_TOO_LARGE, "body over " + maxBodyBytes + " bytes");
      return;
    }
    VerificationResult result =
        verifier.verify(
            prologue.method().text(),
            RequestTarget.of(prologue),
            req.headers().all(SignedUpgrade.SIGNATURE, List::of),
            req.headers().all(SignedUpgrade.DIGEST, List::of),
            body);
    if (result instanceof VerificationResult.Rejected rejected) {
      refuse(res, prologue, rejected.reason(), rejected.detail());
      return;
    }
    VerifiedRequest.attach(req, ((VerificationResult.Accepted) result).keyId(), body);
    chain.proceed();
  }

  private boolean isPublic(String rawPath) {
    if (publicPrefixes.isEmpty() || !PLAIN_PATH.matcher(rawPath).matches()) {
      return false;
    }
    for (String prefix : publicPrefixes) {
      if (rawPath.equals(prefix) || rawPath.startsWith(prefix + "/")) {
        return true;
      }
    }
    return false;
  }

  private void refuse(
      RoutingResponse res, HttpPrologue prologue, RejectReason reason, String detail) {
    rejections.record(prologue, reason, detail);
    Rejections.send(res, reason);
  }

  /** The body, or null when it is larger than allowed. */
  private byte[] readBody(ServerRequest req) {
    OptionalLong declared = req.headers().contentLength();
    if (declared.isPresent() && declared.getAsLong() > maxBodyBytes) {
      return null;
    }
    if (!req.content().hasEntity()) {
      return new byte[0];
    }
    // Not closed: closing would drain the rest of an oversized body.
    InputStream in = req.content().inputStream();
    try {
      // One byte more than allowed tells a chunked body that is too large from one that fits.
      byte[] body = in.readNBytes(maxBodyBytes + 1);
      return body.length > maxBodyBytes ? null : body;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
