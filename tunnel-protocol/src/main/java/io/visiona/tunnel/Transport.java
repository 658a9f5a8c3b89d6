package io.visiona.tunnel;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A reliable, ordered byte pipe that carries yamux frames. Frame boundaries mean nothing to a
 * transport: it may deliver any split of the peer's bytes, and may send what it is given in any
 * split too (over WebSocket: any number of binary messages).
 *
 * <h2>Contract</h2>
 *
 * <ul>
 *   <li><b>Receiving is pushed.</b> The session calls {@link #start} once; from then on the
 *       transport hands what arrives to the {@link Receiver} on whatever thread received it (a
 *       socket reader, a WebSocket callback): in order, one call at a time, each finished before
 *       the next, then exactly one {@link Receiver#endOfInput()} or {@link Receiver#fail}. The
 *       session parses and dispatches frames on that thread, so a received frame reaches the
 *       application thread without another thread in between.
 *   <li><b>Received bytes are already buffered.</b> A {@link ByteSource} holds every byte its
 *       {@link Receiver#receive} call announced: reading them copies memory and never waits for the
 *       network. The session relies on it: it copies a payload into its stream's buffer while
 *       holding that stream's lock.
 *   <li><b>The receiving thread may wait, but boundedly.</b> {@link Receiver#receive} never waits
 *       for the application (payload fits the windows this side advertised); it may wait for room
 *       to queue a control frame its input calls for (a peer that sends but does not read), at most
 *       the session's write timeout, which pushes back on the peer.
 *   <li><b>Writes come one at a time, from changing threads.</b> The session never calls {@link
 *       #write} concurrently with itself, but successive writes may come from different threads
 *       (the session's writer, or an application thread that found the writer idle), so an
 *       implementation needs no locking of its own for writes. A write may block until the bytes
 *       are taken (a blocking socket write); the session watches its progress and, when nothing was
 *       taken for the write timeout, closes the transport. It writes through {@link #write(byte[],
 *       int, int, Runnable)}, whose default passes at most {@link #PIECE} bytes per {@link
 *       #write(byte[], int, int)} call.
 *   <li><b>{@link #close} may come from any thread, at any time</b>, also while a write is blocked
 *       or a receive is running: it must make a blocked write fail promptly and end delivery.
 * </ul>
 */
public interface Transport extends Closeable {

  /**
   * Starts delivering received bytes to {@code receiver}: in order, one call at a time, each call
   * finished before the next begins; then exactly one {@link Receiver#endOfInput()} or {@link
   * Receiver#fail}. Called once, by the session.
   */
  void start(Receiver receiver);

  /**
   * Writes {@code len} bytes (whole frames, or a piece of a longer run of frames) and returns once
   * the transport has taken them; {@code buf} may be reused afterwards.
   */
  void write(byte[] buf, int off, int len) throws IOException;

  /** The most a write may pass without telling of progress: 64 KiB. */
  int PIECE = 64 * 1024;

  /**
   * Writes as {@link #write(byte[], int, int)}, running {@code progress} each time the network has
   * taken a part of at most {@link #PIECE} bytes, so the session can tell a slow link from a stuck
   * one (it is stuck only when no part was taken for the write timeout). The default writes in
   * pieces of {@link #PIECE}; a transport that writes in such parts anyway (and would rather not
   * cut its messages as small) reports them itself.
   */
  default void write(byte[] buf, int off, int len, Runnable progress) throws IOException {
    for (int end = off + len; off < end; ) {
      int n = Math.min(end - off, PIECE);
      write(buf, off, n);
      progress.run();
      off += n;
    }
  }

  /** Closes both directions; any thread, idempotent; fails a write that is blocked. */
  @Override
  void close();

  /** For logs: the remote address or similar. */
  default String describe() {
    return getClass().getSimpleName();
  }

  /**
   * Takes the bytes a transport receives (implemented by the session). {@link #receive} may block
   * while the session cannot queue the control frames its input calls for (a peer that sends but
   * does not read): that stops the transport's reads and pushes back on the peer. Payload never
   * blocks it: stream buffers are bounded by the windows this side advertised.
   */
  interface Receiver {

    /**
     * Takes exactly {@code length} bytes from {@code bytes}. Once the session has failed (a
     * protocol error, or it was closed), bytes are read and dropped.
     *
     * @throws IOException only if {@code bytes} failed
     */
    void receive(ByteSource bytes, int length) throws IOException;

    /** Takes the remaining bytes of {@code buffer}. */
    default void receive(ByteBuffer buffer) throws IOException {
      receive(ByteSource.of(buffer), buffer.remaining());
    }

    /** The peer closed the connection cleanly. */
    void endOfInput();

    /** The connection failed. */
    void fail(IOException cause);
  }

  /**
   * Received bytes, copied out by the session as it parses them (no intermediate buffer). Always
   * buffered: reading never waits for the network (see the contract above).
   */
  interface ByteSource {

    /** Copies exactly the next {@code len} bytes into {@code dst} from {@code off}. */
    void read(byte[] dst, int off, int len) throws IOException;

    /** Drops the next {@code len} bytes. */
    default void skip(int len) throws IOException {
      byte[] scratch = new byte[Math.min(len, 8192)];
      for (int left = len; left > 0; ) {
        int n = Math.min(left, scratch.length);
        read(scratch, 0, n);
        left -= n;
      }
    }

    /** The remaining bytes of {@code buffer}, consumed as they are read. */
    static ByteSource of(ByteBuffer buffer) {
      return new ByteSource() {
        @Override
        public void read(byte[] dst, int off, int len) {
          buffer.get(dst, off, len);
        }

        @Override
        public void skip(int len) {
          buffer.position(buffer.position() + len);
        }
      };
    }
  }
}
