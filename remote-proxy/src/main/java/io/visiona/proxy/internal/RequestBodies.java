package io.visiona.proxy.internal;

import io.helidon.webserver.http.ServerRequest;
import io.visiona.proxy.http.ApiError;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.OptionalLong;

/**
 * Request bodies, read whole and never beyond a limit (413). When {@link InternalAuthFilter} has
 * already read the body to verify it, handlers get that copy.
 */
public final class RequestBodies {

  private static final String VERIFIED = RequestBodies.class.getName() + ".body";

  private RequestBodies() {}

  /** The body: the verified copy if there is one, else read now; at most {@code maxBytes}. */
  public static byte[] read(ServerRequest req, int maxBytes) {
    byte[] verified = req.context().get(VERIFIED, byte[].class).orElse(null);
    if (verified != null) {
      if (verified.length > maxBytes) {
        throw ApiError.tooLarge("request body larger than " + maxBytes + " bytes");
      }
      return verified;
    }
    return readRaw(req, maxBytes);
  }

  static void attach(ServerRequest req, byte[] body) {
    req.context().register(VERIFIED, body);
  }

  static byte[] readRaw(ServerRequest req, int maxBytes) {
    OptionalLong declared = req.headers().contentLength();
    if (declared.isPresent() && declared.getAsLong() > maxBytes) {
      throw ApiError.tooLarge("request body larger than " + maxBytes + " bytes");
    }
    if (!req.content().hasEntity()) {
      return new byte[0];
    }
    // Not closed on overflow: closing would drain the rest of an oversized body.
    InputStream in = req.content().inputStream();
    try {
      byte[] body = in.readNBytes(maxBytes + 1);
      if (body.length > maxBytes) {
        throw ApiError.tooLarge("request body larger than " + maxBytes + " bytes");
      }
      return body;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
