package io.visiona.server.http1;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Decodes a chunked body. A read returns what one read of the underlying stream gave (never waits
 * to fill the caller's buffer), so a streamed body (server-sent events, camera frames) passes on as
 * it arrives. Chunk extensions and trailers are read and dropped.
 */
final class ChunkedInputStream extends InputStream {

  /** Longest chunk-size line (size plus extensions). */
  private static final int CHUNK_LINE = 1024;

  private final InputStream in;
  private final int maxTrailerBytes;
  private long chunkLeft;
  private boolean ended;

  ChunkedInputStream(InputStream in, int maxTrailerBytes) {
    this.in = in;
    this.maxTrailerBytes = maxTrailerBytes;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (chunkLeft == 0 && !nextChunk()) {
      return -1;
    }
    int n = in.read(b, off, (int) Math.min(len, chunkLeft));
    if (n < 0) {
      throw new EOFException("chunked body ended early");
    }
    chunkLeft -= n;
    if (chunkLeft == 0) {
      endOfChunk();
    }
    return n;
  }

  /** Reads the next size line; false at the last chunk (after its trailers). */
  private boolean nextChunk() throws IOException {
    if (ended) {
      return false;
    }
    String line = Http1Lines.read(in, new Http1Lines.Budget(CHUNK_LINE));
    if (line == null) {
      throw new EOFException("chunked body ended early");
    }
    int semicolon = line.indexOf(';');
    String hex = (semicolon >= 0 ? line.substring(0, semicolon) : line).strip();
    if (hex.isEmpty() || hex.length() > 15) {
      throw new MalformedHttpException("invalid chunk size");
    }
    try {
      chunkLeft = Long.parseLong(hex, 16);
    } catch (NumberFormatException e) {
      throw new MalformedHttpException("invalid chunk size");
    }
    if (chunkLeft < 0) {
      throw new MalformedHttpException("invalid chunk size");
    }
    if (chunkLeft == 0) {
      ended = true;
      ResponseHead.headers(in, new Http1Lines.Budget(maxTrailerBytes)); // trailers, dropped
      return false;
    }
    return true;
  }

  private void endOfChunk() throws IOException {
    String crlf = Http1Lines.read(in, new Http1Lines.Budget(2));
    if (crlf == null) {
      throw new EOFException("chunked body ended early");
    }
    if (!crlf.isEmpty()) {
      throw new MalformedHttpException("chunk not followed by CRLF");
    }
  }
}
