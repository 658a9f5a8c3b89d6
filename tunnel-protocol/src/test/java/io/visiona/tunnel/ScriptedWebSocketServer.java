package io.visiona.tunnel;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A WebSocket server end that a test drives frame by frame over a real socket (plain or TLS): it
 * answers the upgrade as told, sends any frame (also ones a correct server never sends) and reads
 * the client's frames with their mask bit.
 */
final class ScriptedWebSocketServer implements AutoCloseable {

  private final ServerSocket listener;

  ScriptedWebSocketServer() throws IOException {
    this(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
  }

  /** Over a listener the test made, e.g. a TLS one bound to loopback. */
  ScriptedWebSocketServer(ServerSocket listener) {
    this.listener = listener;
  }

  URI uri(String scheme, String host) {
    return URI.create(scheme + "://" + host + ":" + listener.getLocalPort() + "/v1/tunnel");
  }

  URI uri() {
    return uri("ws", "127.0.0.1");
  }

  /** The next connection, its upgrade request read (not answered yet). */
  Peer accept() throws IOException {
    Socket s = listener.accept();
    s.setSoTimeout(10_000); // a test waiting for a frame that never comes fails instead of hanging
    return new Peer(s);
  }

  @Override
  public void close() throws IOException {
    listener.close();
  }

  /** A frame the client sent: opcode, whether it was masked, and its payload unmasked. */
  record Frame(boolean fin, int opcode, boolean masked, byte[] payload) {
    int closeCode() {
      return (payload[0] & 0xff) << 8 | (payload[1] & 0xff);
    }
  }

  /** Reads one frame as RFC 6455 §5.2 lays it out, unmasking its payload. */
  static Frame readFrame(DataInputStream in) throws IOException {
    int b0 = in.readUnsignedByte();
    int b1 = in.readUnsignedByte();
    long len = b1 & 0x7f;
    if (len == 126) {
      len = in.readUnsignedShort();
    } else if (len == 127) {
      len = in.readLong();
    }
    boolean masked = (b1 & 0x80) != 0;
    int key = masked ? in.readInt() : 0;
    byte[] payload = new byte[(int) len];
    in.readFully(payload);
    if (masked) {
      // The test server's own unmasking, not the client's code under test.
      TestWebSocketServer.unmask(payload, 0, payload.length, key, 0);
    }
    return new Frame((b0 & 0x80) != 0, b0 & 0x0f, masked, payload);
  }

  static final class Peer implements AutoCloseable {
    final Socket socket;
    final DataInputStream in;
    final OutputStream out;
    final String request;

    Peer(Socket socket) throws IOException {
      this.socket = socket;
      this.in = new DataInputStream(socket.getInputStream());
      this.out = socket.getOutputStream();
      StringBuilder head = new StringBuilder();
      while (!head.toString().endsWith("\r\n\r\n")) {
        if (head.length() > 16_384) {
          throw new IOException("request head too long");
        }
        head.append((char) in.readUnsignedByte());
      }
      this.request = head.toString();
    }

    /** A request header's value, or null. */
    String header(String name) {
      for (String line : request.split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
          return line.substring(colon + 1).trim();
        }
      }
      return null;
    }

    /** Answers 101 with the right Sec-WebSocket-Accept. */
    void acceptUpgrade() throws IOException {
      answer(
          "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
              + "Sec-WebSocket-Accept: "
              + WebSocketUpgrade.accept(header("Sec-WebSocket-Key"))
              + "\r\n\r\n");
    }

    void answer(String raw) throws IOException {
      out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
    }

    /** Sends a final frame with {@code opcode}, masked with a fixed key if {@code masked}. */
    void send(int opcode, byte[] payload, boolean masked) throws IOException {
      sendHeader(0x80 | opcode, payload.length, masked);
      byte[] body = payload.clone();
      if (masked) {
        WebSocketMask.mask(body, 0, body, 0, body.length, 0x01020304, 0);
      }
      out.write(body);
      out.flush();
    }

    /** Sends only a frame header (e.g. announcing more than the client accepts). */
    void sendHeader(int b0, long length, boolean masked) throws IOException {
      ByteBuffer h = ByteBuffer.allocate(14);
      h.put((byte) b0);
      int maskBit = masked ? 0x80 : 0;
      if (length < 126) {
        h.put((byte) (maskBit | length));
      } else if (length < 65536) {
        h.put((byte) (maskBit | 126)).putShort((short) length);
      } else {
        h.put((byte) (maskBit | 127)).putLong(length);
      }
      if (masked) {
        h.putInt(0x01020304);
      }
      out.write(h.array(), 0, h.position());
      out.flush();
    }

    Frame readFrame() throws IOException {
      return ScriptedWebSocketServer.readFrame(in);
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
