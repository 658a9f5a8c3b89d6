package io.visiona.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * The scripted end of a conformance test: writes exact frames to a {@link Session} over a real
 * socket and reads back exactly what the session sends.
 */
final class RawPeer implements AutoCloseable {

  /** A frame read from the session: header plus payload for Data frames. */
  record Frame(FrameHeader header, byte[] payload) {
    int type() {
      return header.type();
    }

    int flags() {
      return header.flags();
    }

    int streamId() {
      return header.streamId();
    }

    int length() {
      return header.length();
    }
  }

  static final Duration EXPECT_TIMEOUT = Duration.ofSeconds(5);

  final Session session;
  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;

  private RawPeer(Session session, Socket socket) throws IOException {
    this.session = session;
    this.socket = socket;
    this.in = new DataInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  /** A session under test in the given role; the peer plays the other role. */
  static RawPeer against(boolean sessionIsServer, Config config) throws IOException {
    Socket[] pair = Loopback.socketPair();
    Transport t = new SocketTransport(pair[0]);
    Session s = sessionIsServer ? Session.server(t, config) : Session.client(t, config);
    return new RawPeer(s, pair[1]);
  }

  /** Deterministic settings: no keepalive, no auto-tuning (so no unsolicited pings). */
  static Config.Builder quiet() {
    return Config.builder()
        .keepAliveInterval(Duration.ZERO)
        .maxWindow(Config.SPEC_INITIAL_WINDOW)
        .openTimeout(Duration.ofSeconds(5))
        .writeTimeout(Duration.ofSeconds(5));
  }

  void send(int type, int flags, int streamId, int length) throws IOException {
    out.write(new FrameHeader(type, flags, streamId, length).toBytes());
    out.flush();
  }

  void sendData(int flags, int streamId, byte[] payload) throws IOException {
    byte[] frame = new byte[FrameHeader.SIZE + payload.length];
    FrameHeader.encode(frame, 0, FrameHeader.TYPE_DATA, flags, streamId, payload.length);
    System.arraycopy(payload, 0, frame, FrameHeader.SIZE, payload.length);
    out.write(frame);
    out.flush();
  }

  void sendRaw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** The next frame, waiting at most {@link #EXPECT_TIMEOUT}. */
  Frame next() throws IOException {
    return next(EXPECT_TIMEOUT);
  }

  Frame next(Duration timeout) throws IOException {
    socket.setSoTimeout((int) timeout.toMillis());
    byte[] h = new byte[FrameHeader.SIZE];
    in.readFully(h);
    FrameHeader header = FrameHeader.decode(h, 0);
    byte[] payload = new byte[0];
    if (header.type() == FrameHeader.TYPE_DATA) {
      payload = new byte[header.length()];
      in.readFully(payload);
    }
    return new Frame(header, payload);
  }

  /** Asserts the next frame has exactly these header fields; returns it. */
  Frame expect(int type, int flags, int streamId, int length) throws IOException {
    Frame f = next();
    assertThat(f.header()).isEqualTo(new FrameHeader(type, flags, streamId, length));
    return f;
  }

  /** Asserts that nothing arrives within {@code quiet}. */
  void expectSilence(Duration quiet) throws IOException {
    try {
      Frame f = next(quiet);
      throw new AssertionError("expected no frame, got " + f.header());
    } catch (SocketTimeoutException expected) {
      // nothing sent: as required
    }
  }

  /** Asserts GoAway with {@code code} and then the end of the connection. */
  void expectGoAwayAndClose(int code) throws IOException {
    expect(FrameHeader.TYPE_GO_AWAY, 0, 0, code);
    expectClosed();
  }

  void expectClosed() throws IOException {
    socket.setSoTimeout((int) EXPECT_TIMEOUT.toMillis());
    try {
      int b = in.read();
      assertThat(b).as("connection should be closed").isEqualTo(-1);
    } catch (EOFException | java.net.SocketException closed) {
      // closed or reset: both end the connection
    }
  }

  @Override
  public void close() throws IOException {
    session.close();
    socket.close();
  }
}
