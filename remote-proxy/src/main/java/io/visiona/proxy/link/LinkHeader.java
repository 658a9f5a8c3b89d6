package io.visiona.proxy.link;

import io.visiona.proxy.tunnel.DeviceIds;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The relay link's per-stream handshake (docs/adr/0020): the api-server writes {@code device
 * <id>\n}; the proxy answers {@code ok\n}, or {@code error <CODE> <message>\n} and closes the
 * stream.
 */
public final class LinkHeader {

  /** Longest request line, newline included. */
  public static final int MAX_LINE = 256;

  static final String OK = "ok\n";
  private static final String PREFIX = "device ";

  /** The request line was not {@code device <id>\n}. */
  static final class Invalid extends Exception {
    Invalid(String message) {
      super(message, null, false, false);
    }
  }

  private LinkHeader() {}

  /** Reads the request line byte by byte (nothing past the newline is consumed). */
  static String readDevice(InputStream in) throws IOException, Invalid {
    byte[] line = new byte[MAX_LINE];
    int n = 0;
    while (true) {
      int c = in.read();
      if (c < 0) {
        throw new Invalid("stream ended before the header line");
      }
      if (c == '\n') {
        break;
      }
      if (n == MAX_LINE - 1) {
        throw new Invalid("header line longer than " + MAX_LINE + " bytes");
      }
      line[n++] = (byte) c;
    }
    if (n > 0 && line[n - 1] == '\r') {
      n--;
    }
    String text = new String(line, 0, n, StandardCharsets.US_ASCII);
    if (!text.startsWith(PREFIX)) {
      throw new Invalid("expected 'device <id>'");
    }
    String device = text.substring(PREFIX.length());
    if (!DeviceIds.valid(device)) {
      throw new Invalid("invalid device id");
    }
    return device;
  }

  static void ok(OutputStream out) throws IOException {
    out.write(OK.getBytes(StandardCharsets.US_ASCII));
  }

  static void error(OutputStream out, String code, String message) throws IOException {
    String clean = message.replaceAll("[\\r\\n]", " ");
    out.write(("error " + code + " " + clean + "\n").getBytes(StandardCharsets.UTF_8));
  }
}
