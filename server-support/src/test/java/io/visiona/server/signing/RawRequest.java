package io.visiona.server.signing;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** One request written byte for byte (no client normalising the path), the answer's head read. */
final class RawRequest {

  private RawRequest() {}

  /** Sends {@code head} as is and returns the response up to the end of its headers. */
  static String send(int port, String head) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      InputStream in = socket.getInputStream();
      StringBuilder response = new StringBuilder();
      int b;
      while ((b = in.read()) != -1) {
        response.append((char) b);
        if (response.toString().endsWith("\r\n\r\n")) {
          break;
        }
      }
      return response.toString();
    }
  }
}
