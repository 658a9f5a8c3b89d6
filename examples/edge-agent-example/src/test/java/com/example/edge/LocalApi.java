package com.example.edge;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Stands in for the box's local web API: for each connection it reads the request to its end (the
 * caller half-closes) and answers with what it read.
 */
final class LocalApi implements AutoCloseable {

  private static final int READ_TIMEOUT_MILLIS = 10_000;

  private final ServerSocket listener;

  LocalApi() throws IOException {
    listener = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().name("local-api").start(this::acceptLoop);
  }

  int port() {
    return listener.getLocalPort();
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      try {
        Socket socket = listener.accept();
        Thread.ofVirtual().start(() -> answer(socket));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private static void answer(Socket socket) {
    try (socket) {
      socket.setSoTimeout(READ_TIMEOUT_MILLIS);
      InputStream in = socket.getInputStream();
      String request = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
      OutputStream out = socket.getOutputStream();
      out.write(("HTTP/1.0 200 OK\r\n\r\nbox saw: " + request).getBytes(StandardCharsets.US_ASCII));
    } catch (IOException e) {
      // the caller sees the connection end
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
  }
}
