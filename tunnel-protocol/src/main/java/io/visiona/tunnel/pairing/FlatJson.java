package io.visiona.tunnel.pairing;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON the pairing endpoints speak: one object of strings and numbers, nothing nested. Enough
 * for a JDK-only library; anything else is refused rather than guessed at.
 */
final class FlatJson {

  /** Documents larger than this are not pairing answers. */
  static final int MAX_LENGTH = 64 * 1024;

  private final String text;
  private int pos;

  private FlatJson(String text) {
    this.text = text;
  }

  /** Member name → String, Long, Boolean or null. */
  static Map<String, Object> parse(String text) {
    if (text.length() > MAX_LENGTH) {
      throw new IllegalArgumentException("JSON document too large");
    }
    FlatJson p = new FlatJson(text);
    Map<String, Object> members = p.object();
    p.skipSpace();
    if (p.pos != text.length()) {
      throw p.error("trailing characters");
    }
    return members;
  }

  /** An object of the given string and number members, in order. */
  static String write(Map<String, ?> members) {
    StringBuilder out = new StringBuilder("{");
    for (Map.Entry<String, ?> e : members.entrySet()) {
      if (e.getValue() == null) {
        continue;
      }
      if (out.length() > 1) {
        out.append(',');
      }
      quote(out, e.getKey());
      out.append(':');
      if (e.getValue() instanceof Number n) {
        out.append(n.longValue());
      } else {
        quote(out, e.getValue().toString());
      }
    }
    return out.append('}').toString();
  }

  private static void quote(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  private Map<String, Object> object() {
    skipSpace();
    expect('{');
    Map<String, Object> members = new LinkedHashMap<>();
    skipSpace();
    if (peek() == '}') {
      pos++;
      return members;
    }
    while (true) {
      skipSpace();
      String name = string();
      skipSpace();
      expect(':');
      skipSpace();
      members.put(name, value());
      skipSpace();
      char c = next();
      if (c == '}') {
        return members;
      }
      if (c != ',') {
        throw error("expected , or }");
      }
    }
  }

  private Object value() {
    char c = peek();
    if (c == '"') {
      return string();
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
      int start = pos;
      while (pos < text.length() && "+-0123456789.eE".indexOf(text.charAt(pos)) >= 0) {
        pos++;
      }
      String number = text.substring(start, pos);
      try {
        return Long.parseLong(number);
      } catch (NumberFormatException e) {
        return (long) Double.parseDouble(number);
      }
    }
    for (String word : new String[] {"true", "false", "null"}) {
      if (text.startsWith(word, pos)) {
        pos += word.length();
        return word.equals("null") ? null : Boolean.valueOf(word);
      }
    }
    throw error("only strings, numbers, booleans and null are expected");
  }

  private String string() {
    expect('"');
    StringBuilder s = new StringBuilder();
    while (true) {
      char c = next();
      if (c == '"') {
        return s.toString();
      }
      if (c != '\\') {
        s.append(c);
        continue;
      }
      char e = next();
      switch (e) {
        case '"', '\\', '/' -> s.append(e);
        case 'b' -> s.append('\b');
        case 'f' -> s.append('\f');
        case 'n' -> s.append('\n');
        case 'r' -> s.append('\r');
        case 't' -> s.append('\t');
        case 'u' -> {
          if (pos + 4 > text.length()) {
            throw error("short \\u escape");
          }
          s.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
          pos += 4;
        }
        default -> throw error("bad escape");
      }
    }
  }

  private void skipSpace() {
    while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
      pos++;
    }
  }

  private char peek() {
    if (pos >= text.length()) {
      throw error("unexpected end");
    }
    return text.charAt(pos);
  }

  private char next() {
    char c = peek();
    pos++;
    return c;
  }

  private void expect(char c) {
    if (next() != c) {
      throw error("expected " + c);
    }
  }

  private IllegalArgumentException error(String what) {
    return new IllegalArgumentException("JSON at " + pos + ": " + what);
  }
}
