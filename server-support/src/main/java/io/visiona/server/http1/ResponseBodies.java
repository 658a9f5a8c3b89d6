package io.visiona.server.http1;

import java.io.InputStream;

/** The body that follows a {@link ResponseHead}, decoded from its framing (RFC 9112 §6.3). */
public final class ResponseBodies {

  private ResponseBodies() {}

  /**
   * The body of {@code head}, read from {@code in}: empty for a {@code HEAD} request, {@code 1xx},
   * {@code 204} and {@code 304}; chunked, by {@code Content-Length}, or until the stream ends.
   *
   * @param maxTrailerBytes the most bytes the trailers of a chunked body may take
   */
  public static InputStream open(
      ResponseHead head, InputStream in, boolean headRequest, int maxTrailerBytes)
      throws MalformedHttpException {
    int s = head.status();
    if (headRequest || s < 200 || s == 204 || s == 304) {
      return InputStream.nullInputStream();
    }
    if (head.chunked()) {
      return new ChunkedInputStream(in, maxTrailerBytes);
    }
    Long length = head.contentLength().orElse(null);
    return length == null ? in : new FixedLengthInputStream(in, length);
  }

  /** True when {@link #open} would return an empty body without reading. */
  public static boolean bodiless(ResponseHead head, boolean headRequest) {
    int s = head.status();
    return headRequest || s < 200 || s == 204 || s == 304;
  }
}
