package io.visiona.server.http1;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/** Reads CRLF (or bare LF) terminated ASCII lines within a byte budget. */
final class Http1Lines {

  private Http1Lines() {}

  /** A byte budget shared by the lines of one head. */
  static final class Budget {
    private int left;

    Budget(int bytes) {
      this.left = bytes;
    }
  }

  /**
   * A line without its line end; null when the stream ends before its first byte.
   *
   * @throws EOFException when the stream ends inside the line
   * @throws MalformedHttpException when the budget runs out
   */
  static String read(InputStream in, Budget budget) throws IOException {
    StringBuilder b = new StringBuilder(64);
    while (true) {
      int c = in.read();
      if (c < 0) {
        if (b.isEmpty()) {
          return null;
        }
        throw new EOFException("message ended inside a line");
      }
      if (--budget.left < 0) {
        throw new MalformedHttpException("message head too large", true);
      }
      if (c == '\n') {
        int n = b.length();
        if (n > 0 && b.charAt(n - 1) == '\r') {
          b.setLength(n - 1);
        }
        return b.toString();
      }
      b.append((char) c);
    }
  }
}
