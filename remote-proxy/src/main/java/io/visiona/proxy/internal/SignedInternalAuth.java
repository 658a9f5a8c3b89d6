package io.visiona.proxy.internal;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.visiona.server.signing.ContentDigest;
import io.visiona.server.signing.RejectReason;
import io.visiona.server.signing.RequestVerifier;
import io.visiona.server.signing.SignatureHeader;
import io.visiona.server.signing.VerificationResult;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Internal requests must carry an HMAC signature of the api-server→proxy direction (signing module:
 * key ring, clock-skew window, replay cache). One verifier, so HTTP requests and relay-link
 * upgrades share the replay cache.
 */
public final class SignedInternalAuth implements InternalAuth {

  private static final HeaderName SIGNATURE = HeaderNames.create(SignatureHeader.NAME);
  private static final HeaderName DIGEST = HeaderNames.create(ContentDigest.HEADER);

  private final RequestVerifier verifier;
  private final int maxBodyBytes;
  private final Consumer<RejectReason> onReject;

  public SignedInternalAuth(
      RequestVerifier verifier, int maxBodyBytes, Consumer<RejectReason> onReject) {
    this.verifier = verifier;
    this.maxBodyBytes = maxBodyBytes;
    this.onReject = onReject;
  }

  @Override
  public Verdict verify(String method, String pathAndQuery, Headers headers, byte[] body) {
    VerificationResult result =
        verifier.verify(
            method,
            pathAndQuery,
            headers.all(SIGNATURE, List::of),
            headers.all(DIGEST, List::of),
            body);
    if (result instanceof VerificationResult.Rejected r) {
      onReject.accept(r.reason());
      return Verdict.reject(
          r.reason().httpStatus(), "signature_" + r.reason().name().toLowerCase(Locale.ROOT));
    }
    return Verdict.accept();
  }

  @Override
  public int maxBodyBytes() {
    return maxBodyBytes;
  }
}
