package io.visiona.proxy.forward;

import java.io.IOException;
import java.io.InputStream;

/**
 * The raw bytes of a checked base64 JSON string inside a document: {@code length} bytes from {@code
 * start}, with the backslash of each {@code \/} dropped (the only escape {@link JsonBodyField} lets
 * through). Feeds {@code Base64.getDecoder().wrap}.
 */
final class JsonStringBytes extends InputStream {

  private final InputStream json;
  private long left;

  JsonStringBytes(InputStream json, long start, long length) throws IOException {
    this.json = json;
    json.skipNBytes(start);
    this.left = length;
  }

  @Override
  public int read() throws IOException {
    while (left > 0) {
      int c = json.read();
      if (c < 0) {
        throw new IOException("JSON ended inside the body string");
      }
      left--;
      if (c != '\\') {
        return c;
      }
    }
    return -1;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    while (left > 0) {
      int n = json.read(b, off, (int) Math.min(len, left));
      if (n < 0) {
        throw new IOException("JSON ended inside the body string");
      }
      left -= n;
      int kept = off;
      for (int i = off; i < off + n; i++) {
        if (b[i] != '\\') {
          b[kept++] = b[i];
        }
      }
      if (kept > off) {
        return kept - off;
      }
    }
    return -1;
  }

  @Override
  public void close() throws IOException {
    json.close();
  }
}
