package io.visiona.server.http1;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Decodes a chunked body. A read returns what one read of the underlying stream gave (never waits
 * to fill the caller's buffer, nor for the CRLF after a chunk or the next chunk's size), so a
 * streamed body (server-sent events, camera frames) passes on as it arrives. Chunk extensions and
 * trailers are read and dropped. Ending early is an {@link EOFException}; bad framing a {@link
 * MalformedHttpException}.
 */
final class ChunkedInputStream extends InputStream {

  /** Longest chunk-size line (size plus extensions). */
  private static final int CHUNK_LINE = 1024;

  /** Most hex digits of a chunk size: 15 keep it below 2^60. */
  private static final int MAX_SIZE_DIGITS = 15;

  private final InputStream in;
  private final int maxTrailerBytes;
  private long chunkLeft;
  private boolean crlfDue;
  private boolean ended;

  /**
   * @param maxTrailerBytes the most bytes the trailer lines may take (the blank line that ends the
   *     body not counted)
   */
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
    // The CRLF after a finished chunk is read with the next size line, so this read returns now.
    crlfDue = chunkLeft == 0;
    return n;
  }

  /** Reads the next size line; false at the last chunk (after its trailers). */
  private boolean nextChunk() throws IOException {
    if (ended) {
      return false;
    }
    if (crlfDue) {
      endOfChunk();
      crlfDue = false;
    }
    String line = Http1Lines.read(in, new Http1Lines.Budget(CHUNK_LINE));
    if (line == null) {
      throw new EOFException("chunked body ended early");
    }
    chunkLeft = size(line);
    if (chunkLeft == 0) {
      trailers();
      ended = true;
      return false;
    }
    return true;
  }

  /** {@code 1*HEXDIG [BWS ";" chunk-ext]}: no sign, no prefix, no other whitespace. */
  private static long size(String line) throws MalformedHttpException {
    int digits = 0;
    long size = 0;
    while (digits < line.length() && Character.digit(line.charAt(digits), 16) >= 0) {
      size = size * 16 + Character.digit(line.charAt(digits), 16);
      if (++digits > MAX_SIZE_DIGITS) {
        throw new MalformedHttpException("invalid chunk size");
      }
    }
    int i = digits;
    while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
      i++;
    }
    if (digits == 0 || (i < line.length() && line.charAt(i) != ';')) {
      throw new MalformedHttpException("invalid chunk size");
    }
    return size;
  }

  private void endOfChunk() throws IOException {
    int c = in.read();
    if (c == '\r') {
      c = in.read();
    }
    if (c < 0) {
      throw new EOFException("chunked body ended early");
    }
    if (c != '\n') {
      throw new MalformedHttpException("chunk not followed by CRLF");
    }
  }

  private void trailers() throws IOException {
    Http1Lines.Budget budget = new Http1Lines.Budget(maxTrailerBytes + 2);
    while (true) {
      String line = Http1Lines.read(in, budget);
      if (line == null) {
        throw new EOFException("chunked body ended before its last CRLF");
      }
      if (line.isEmpty()) {
        return;
      }
      ResponseHead.header(line); // checked, then dropped
    }
  }
}
