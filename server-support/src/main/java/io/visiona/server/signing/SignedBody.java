package io.visiona.server.signing;

import io.helidon.webserver.http.ServerRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The body of a request whose signature verified, read on first use: at most {@code maxBytes}, then
 * compared with the signed {@code Content-Digest}. Until both hold, no caller sees a byte of it.
 */
final class SignedBody {

  /** Thrown to {@link SignatureFilter}, which answers with the reason's status. */
  static final class Refused extends RuntimeException {
    private final RejectReason reason;

    Refused(RejectReason reason, String detail) {
      super(detail, null, false, false);
      this.reason = reason;
    }

    RejectReason reason() {
      return reason;
    }
  }

  private final ServerRequest req;
  private final String signedDigest;
  private final int maxBytes;
  private final ReentrantLock lock = new ReentrantLock();
  private byte[] body;

  SignedBody(ServerRequest req, String signedDigest, int maxBytes) {
    this.req = req;
    this.signedDigest = signedDigest;
    this.maxBytes = maxBytes;
  }

  /** The verified body (read once; the same array afterwards). */
  byte[] get() {
    lock.lock();
    try {
      if (body == null) {
        byte[] read = read();
        if (!ContentDigest.matches(signedDigest, read)) {
          throw new Refused(RejectReason.BAD_DIGEST, "body does not match " + ContentDigest.HEADER);
        }
        body = read;
      }
      return body;
    } finally {
      lock.unlock();
    }
  }

  private byte[] read() {
    if (!req.content().hasEntity()) {
      return new byte[0];
    }
    // Not closed: closing would drain the rest of an oversized body.
    InputStream in = req.content().inputStream();
    try {
      // One byte more than allowed tells a chunked body that is too large from one that fits.
      byte[] read = in.readNBytes(maxBytes + 1);
      if (read.length > maxBytes) {
        throw new Refused(RejectReason.BODY_TOO_LARGE, "body over " + maxBytes + " bytes");
      }
      return read;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
