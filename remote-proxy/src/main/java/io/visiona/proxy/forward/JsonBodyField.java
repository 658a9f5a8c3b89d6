package io.visiona.proxy.forward;

import io.visiona.server.errors.ApiError;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonString;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;

/**
 * Finds the top-level {@code "body"} string of a forward request in one pass over the JSON, without
 * holding it: what comes back is the rest of the document (with {@code "body":""}, small, for an
 * ordinary JSON parser) and where the base64 text sits, checked and measured, so that it can be
 * decoded later straight from the JSON bytes into the tunnel.
 *
 * <p>The base64 text may use the escape {@code \/} (a JSON encoder may write {@code /} so); any
 * other escape, whitespace or a character outside the base64 alphabet is refused.
 */
final class JsonBodyField {

  /** The rest of the document and, if there was a body string, its place and decoded length. */
  record Split(byte[] rest, long start, long rawLength, long decodedLength, boolean present) {}

  private static final int MAX_KEY = 64;
  private static final String KEY = "body";

  private final InputStream in;
  private final int maxRest;
  private final ByteArrayOutputStream rest = new ByteArrayOutputStream(1024);
  private long position;
  private int pushedBack = -1;
  // Own buffer: the body string is walked byte by byte, which a stream's read() would make slow.
  private final byte[] buffer = new byte[16 * 1024];
  private int next;
  private int filled;

  private JsonBodyField(InputStream in, int maxRest) {
    this.in = in;
    this.maxRest = maxRest;
  }

  /**
   * Splits the JSON read from {@code in}; the document's rest may hold at most {@code maxRest}
   * bytes (else 413).
   */
  static Split split(InputStream in, int maxRest) throws IOException {
    return new JsonBodyField(in, maxRest).scan();
  }

  private int read() throws IOException {
    if (pushedBack >= 0) {
      int c = pushedBack;
      pushedBack = -1;
      return c;
    }
    if (next == filled) {
      filled = in.read(buffer, 0, buffer.length);
      next = 0;
      if (filled <= 0) {
        filled = 0;
        return -1;
      }
    }
    position++;
    return buffer[next++] & 0xff;
  }

  private void keep(int c) {
    if (rest.size() >= maxRest) {
      throw ApiError.tooLarge("request JSON besides the body larger than " + maxRest + " bytes");
    }
    rest.write(c);
  }

  private static ApiError notAnObject() {
    return ApiError.badRequest("request body must be a JSON object");
  }

  private Split scan() throws IOException {
    int c = skipWhitespace();
    if (c != '{') {
      throw notAnObject();
    }
    keep(c);
    int depth = 1;
    boolean expectKey = true; // at the top level, the next string is a member name
    Split found = null;
    while ((c = read()) >= 0) {
      if (c == '"') {
        keep(c);
        byte[] string = copyString();
        if (depth == 1 && expectKey) {
          expectKey = false;
          if (isBodyKey(string)) {
            Split body = bodyValue();
            if (body != null) {
              if (found != null) {
                throw ApiError.badRequest("body is given twice");
              }
              found = body;
            }
          }
        }
        continue;
      }
      keep(c);
      switch (c) {
        case '{', '[' -> depth++;
        case '}', ']' -> depth--;
        case ',' -> expectKey = depth == 1;
        default -> {}
      }
      if (depth == 0) {
        // Trailing content goes to the parser too, which refuses it.
        while ((c = read()) >= 0) {
          keep(c);
        }
      }
    }
    byte[] bytes = rest.toByteArray();
    return found == null
        ? new Split(bytes, 0, 0, 0, false)
        : new Split(bytes, found.start(), found.rawLength(), found.decodedLength(), true);
  }

  private int skipWhitespace() throws IOException {
    int c;
    do {
      c = read();
    } while (c == ' ' || c == '\t' || c == '\r' || c == '\n');
    return c;
  }

  private int skipWhitespaceKeeping() throws IOException {
    int c;
    while ((c = read()) == ' ' || c == '\t' || c == '\r' || c == '\n') {
      keep(c);
    }
    return c;
  }

  /** Copies a string's content and closing quote into the rest; returns its raw bytes if short. */
  private byte[] copyString() throws IOException {
    ByteArrayOutputStream raw = new ByteArrayOutputStream(16);
    boolean escaped = false;
    while (true) {
      int c = read();
      if (c < 0) {
        return null;
      }
      keep(c);
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        return raw.size() <= MAX_KEY ? raw.toByteArray() : null;
      }
      if (raw.size() <= MAX_KEY) {
        raw.write(c);
      }
    }
  }

  private static boolean isBodyKey(byte[] raw) {
    if (raw == null) {
      return false;
    }
    String text = new String(raw, StandardCharsets.UTF_8);
    if (text.indexOf('\\') < 0) {
      return text.equals(KEY);
    }
    try {
      return Json.createReader(new StringReader("\"" + text + "\"")).readValue()
              instanceof JsonString s
          && s.getString().equals(KEY);
    } catch (JsonException e) {
      return false;
    }
  }

  /**
   * After the member name "body": the colon and, if the value is a string, the string (replaced by
   * {@code ""} in the rest). Anything else is left to the main loop and the parser.
   */
  private Split bodyValue() throws IOException {
    int c = skipWhitespaceKeeping();
    if (c != ':') {
      pushedBack = c;
      return null;
    }
    keep(c);
    c = skipWhitespaceKeeping();
    if (c != '"') {
      pushedBack = c;
      return null;
    }
    Split body = base64String();
    keep('"');
    keep('"');
    return body;
  }

  /** Reads a base64 string value after its opening quote: checks it and measures it. */
  private Split base64String() throws IOException {
    long start = position;
    long data = 0;
    int padding = 0;
    while (true) {
      int c = read();
      if (c < 0) {
        throw ApiError.badRequest("body string is not terminated");
      }
      if (c == '"') {
        break;
      }
      if (c == '\\') {
        if (read() != '/') {
          throw ApiError.badRequest("body must be base64");
        }
        c = '/';
      }
      if (c == '=') {
        padding++;
      } else if (padding == 0 && base64Char(c)) {
        data++;
      } else {
        throw ApiError.badRequest("body must be base64");
      }
    }
    long rawLength = position - 1 - start;
    if (padding > 2 || data % 4 == 1 || (padding > 0 && (data + padding) % 4 != 0)) {
      throw ApiError.badRequest("body must be base64");
    }
    long decoded = data / 4 * 3 + (data % 4 == 2 ? 1 : data % 4 == 3 ? 2 : 0);
    return new Split(null, start, rawLength, decoded, true);
  }

  private static boolean base64Char(int c) {
    return (c >= 'A' && c <= 'Z')
        || (c >= 'a' && c <= 'z')
        || (c >= '0' && c <= '9')
        || c == '+'
        || c == '/';
  }
}
