package io.visiona.tunnel;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A small RFC 6455 server over real sockets for tests: each connection becomes a {@link
 * PushTransport} fed from the received binary messages, the way remote-proxy feeds one from its
 * WebSocket listener. Outgoing batches can be cut into random-size messages to prove that frame
 * boundaries and message boundaries are independent.
 */
final class TestWebSocketServer implements AutoCloseable {

  private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

  private final ServerSocket listener;
  private final BlockingQueue<PushTransport> accepted = new LinkedBlockingQueue<>(64);
  private final boolean splitMessages;
  private final List<Long> upgradeAttempts = new CopyOnWriteArrayList<>();
  private volatile String lastAuthorization;
  private volatile int rejectStatus;
  private volatile boolean closeWithoutCloseFrame;

  TestWebSocketServer(boolean splitMessages) throws IOException {
    this.splitMessages = splitMessages;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().start(this::acceptLoop);
  }

  URI uri() {
    return URI.create("ws://127.0.0.1:" + listener.getLocalPort() + "/v1/tunnel");
  }

  /** The next connection's transport. */
  PushTransport accept() throws InterruptedException {
    return accepted.take();
  }

  /** Answers every later upgrade with {@code status} (e.g. 401) instead of 101; 0 accepts again. */
  void rejectUpgrades(int status) {
    rejectStatus = status;
  }

  /**
   * Makes a transport's close end the TCP connection without a WebSocket close frame first, as a
   * server that crashes or is stopped abruptly does.
   */
  void closeWithoutCloseFrame() {
    closeWithoutCloseFrame = true;
  }

  /** {@link System#nanoTime()} of every upgrade request received, accepted or not. */
  List<Long> upgradeAttempts() {
    return upgradeAttempts;
  }

  /** The Authorization header of the latest upgrade request. */
  String lastAuthorization() {
    return lastAuthorization;
  }

  private void acceptLoop() {
    try {
      while (true) {
        Socket s = listener.accept();
        Thread.ofVirtual().start(() -> serve(s));
      }
    } catch (IOException closed) {
      // listener closed
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      socket.setTcpNoDelay(true);
      InputStream in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
      OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
      handshake(in, out);
      ReentrantLock sendLock = new ReentrantLock();
      Random random = new Random(socket.getPort());
      PushTransport transport =
          new PushTransport(
              new PushTransport.Sender() {
                @Override
                public void send(ByteBuffer frames) throws IOException {
                  sendLock.lock();
                  try {
                    while (frames.hasRemaining()) {
                      int n =
                          splitMessages
                              ? Math.min(frames.remaining(), 1 + random.nextInt(20_000))
                              : frames.remaining();
                      writeFrame(out, 0x2, frames, n);
                    }
                  } finally {
                    sendLock.unlock();
                  }
                }

                @Override
                public void close() {
                  try {
                    // A WebSocket close frame first, as a real server sends, then the socket.
                    sendLock.lock();
                    try {
                      if (!closeWithoutCloseFrame) {
                        writeFrame(out, 0x8, ByteBuffer.wrap(new byte[] {0x03, (byte) 0xe8}), 2);
                      }
                    } finally {
                      sendLock.unlock();
                    }
                    socket.close();
                  } catch (IOException ignored) {
                    // closing
                  }
                }
              },
              "test-ws " + socket.getRemoteSocketAddress());
      accepted.put(transport);
      readLoop(new DataInputStream(in), out, sendLock, transport);
    } catch (Exception e) {
      // connection over
    }
  }

  private static void readLoop(
      DataInputStream in, OutputStream out, ReentrantLock sendLock, PushTransport transport)
      throws IOException, InterruptedException {
    byte[] chunk = new byte[64 * 1024];
    try {
      while (true) {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        int opcode = b0 & 0x0f;
        long len = b1 & 0x7f;
        if (len == 126) {
          len = in.readUnsignedShort();
        } else if (len == 127) {
          len = in.readLong();
        }
        int mask = (b1 & 0x80) != 0 ? in.readInt() : 0;
        switch (opcode) {
          case 0x0, 0x2 -> {
            // Read in pieces into one reusable buffer, unmasked in place, then handed over.
            for (long done = 0; done < len; ) {
              int n = (int) Math.min(len - done, chunk.length);
              in.readFully(chunk, 0, n);
              unmask(chunk, 0, n, mask, done);
              transport.receive(ByteBuffer.wrap(chunk, 0, n));
              done += n;
            }
          }
          case 0x8 -> {
            transport.endOfInput();
            return;
          }
          case 0x9 -> {
            byte[] payload = new byte[(int) len];
            in.readFully(payload);
            unmask(payload, 0, payload.length, mask, 0);
            sendLock.lock();
            try {
              writeFrame(out, 0xA, ByteBuffer.wrap(payload), payload.length);
            } finally {
              sendLock.unlock();
            }
          }
          default -> in.skipNBytes(len); // pong or text: ignored by this test server
        }
      }
    } catch (java.io.EOFException e) {
      transport.endOfInput();
    } catch (IOException e) {
      transport.fail(e);
    }
  }

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  /**
   * XORs {@code len} bytes with the RFC 6455 masking key {@code mask} (big-endian, as sent), eight
   * bytes at a time; {@code position} is the offset of {@code buf[off]} within the payload.
   */
  static void unmask(byte[] buf, int off, int len, int mask, long position) {
    if (mask == 0) {
      return;
    }
    int rotated = Integer.rotateLeft(mask, 8 * (int) (position & 3));
    long wide = (rotated & 0xFFFF_FFFFL) << 32 | (rotated & 0xFFFF_FFFFL);
    int i = off;
    int end = off + len;
    for (; i + 8 <= end; i += 8) {
      LONGS.set(buf, i, (long) LONGS.get(buf, i) ^ wide);
    }
    for (int j = 0; i < end; i++, j++) {
      buf[i] ^= (byte) (rotated >>> (24 - 8 * (j & 3)));
    }
  }

  private static void writeFrame(OutputStream out, int opcode, ByteBuffer data, int n)
      throws IOException {
    byte[] header;
    if (n < 126) {
      header = new byte[] {(byte) (0x80 | opcode), (byte) n};
    } else if (n < 65536) {
      header = new byte[] {(byte) (0x80 | opcode), 126, (byte) (n >> 8), (byte) n};
    } else {
      header =
          ByteBuffer.allocate(10).put((byte) (0x80 | opcode)).put((byte) 127).putLong(n).array();
    }
    // One buffered write of header and payload; large payloads go from the caller's array.
    out.write(header);
    if (data.hasArray()) {
      out.write(data.array(), data.arrayOffset() + data.position(), n);
      data.position(data.position() + n);
    } else {
      byte[] body = new byte[n];
      data.get(body);
      out.write(body);
    }
    out.flush();
  }

  private void handshake(InputStream in, OutputStream out) throws Exception {
    String key = null;
    StringBuilder line = new StringBuilder();
    while (true) {
      int c = in.read();
      if (c < 0) {
        throw new IOException("closed during handshake");
      }
      if (c == '\n') {
        String l = line.toString().trim();
        if (l.isEmpty()) {
          break;
        }
        if (l.regionMatches(true, 0, "Sec-WebSocket-Key:", 0, 18)) {
          key = l.substring(18).trim();
        }
        if (l.regionMatches(true, 0, "Authorization:", 0, 14)) {
          lastAuthorization = l.substring(14).trim();
        }
        line.setLength(0);
      } else {
        line.append((char) c);
      }
    }
    upgradeAttempts.add(System.nanoTime());
    int reject = rejectStatus;
    if (reject != 0) {
      out.write(
          ("HTTP/1.1 " + reject + " Rejected\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      throw new IOException("upgrade rejected with " + reject);
    }
    String accept =
        Base64.getEncoder()
            .encodeToString(
                MessageDigest.getInstance("SHA-1")
                    .digest((key + GUID).getBytes(StandardCharsets.US_ASCII)));
    out.write(
        ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: "
                + accept
                + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  @Override
  public void close() throws IOException {
    listener.close();
  }
}
