package io.visiona.proxy.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Raw HTTP/1.1 over a socket, to see exactly what a refused WebSocket upgrade answers. */
public final class RawHttp {

  /** Status code and the full response text (head and body). */
  public record Response(int status, String text) {
    public String body() {
      int i = text.indexOf("\r\n\r\n");
      return i < 0 ? "" : text.substring(i + 4);
    }
  }

  private static final Pattern CONTENT_LENGTH = Pattern.compile("(?i)content-length: *([0-9]+)");

  private RawHttp() {}

  /**
   * Sends {@code method path} byte for byte (no client normalises the path) with an optional body
   * and returns the response.
   */
  public static Response request(int port, String method, String path, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    String head =
        method
            + " "
            + path
            + " HTTP/1.1\r\nHost: 127.0.0.1:"
            + port
            + "\r\nConnection: close\r\n"
            + (bytes.length == 0
                ? ""
                : "Content-Type: application/json\r\nContent-Length: " + bytes.length + "\r\n")
            + "\r\n";
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(head.getBytes(StandardCharsets.ISO_8859_1));
      out.write(bytes);
      out.flush();
      return read(s.getInputStream());
    }
  }

  public static Response upgrade(int port, String path, Map<String, String> headers)
      throws IOException {
    return upgrade(InetAddress.getLoopbackAddress(), port, path, headers);
  }

  /**
   * An upgrade request from the local address {@code from} (e.g. 127.0.0.2, another client on
   * loopback). A 101 answer is returned after its head, and the connection is closed.
   */
  public static Response upgrade(
      InetAddress from, int port, String path, Map<String, String> headers) throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port, from, 0)) {
      s.setSoTimeout(10_000);
      StringBuilder req =
          new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n")
              .append("Upgrade: websocket\r\nConnection: Upgrade\r\n")
              .append("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n")
              .append("Sec-WebSocket-Version: 13\r\n");
      headers.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
      req.append("\r\n");
      OutputStream out = s.getOutputStream();
      out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      return read(s.getInputStream());
    }
  }

  /** Reads one response: its head, then Content-Length bytes or everything up to the end. */
  public static Response read(InputStream in) throws IOException {
    {
      StringBuilder head = new StringBuilder();
      while (!head.toString().endsWith("\r\n\r\n")) {
        int c = in.read();
        if (c < 0) {
          break;
        }
        head.append((char) c);
      }
      if (head.toString().startsWith("HTTP/1.1 101")) {
        return new Response(101, head.toString());
      }
      Matcher m = CONTENT_LENGTH.matcher(head);
      byte[] body = m.find() ? in.readNBytes(Integer.parseInt(m.group(1))) : in.readAllBytes();
      String text = head + new String(body, StandardCharsets.UTF_8);
      int status = Integer.parseInt(text.substring(9, 12));
      return new Response(status, text);
    }
  }
}
