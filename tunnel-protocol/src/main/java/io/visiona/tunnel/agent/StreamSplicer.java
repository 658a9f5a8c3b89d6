package io.visiona.tunnel.agent;

import io.visiona.tunnel.Splice;
import io.visiona.tunnel.Stream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Splices one accepted yamux stream to a new TCP connection to the target, byte for byte, with
 * {@link Splice}.
 *
 * <p>End-of-stream is passed on as a half-close: the proxy's FIN becomes {@link
 * Socket#shutdownOutput()} towards the target, the target's FIN becomes {@link Stream#closeWrite()}
 * towards the proxy, and the other direction goes on until it ends too. Any error (the stream was
 * reset, the target connection failed, the session closed) aborts both sides: the stream is reset
 * and the socket closed. A target that cannot be reached within the dial timeout gets the stream
 * reset without data.
 */
final class StreamSplicer {

  private static final System.Logger LOG = System.getLogger(StreamSplicer.class.getName());
  private static final int BUFFER = 64 * 1024;

  /** How a splice ended. */
  enum Outcome {
    /** Both directions reached end-of-stream. */
    COMPLETED,
    /** The target could not be reached; the stream was reset. */
    DIAL_FAILED,
    /** One side failed or {@link #abort()} was called; the stream was reset. */
    ABORTED
  }

  private final Stream stream;
  private final String host;
  private final int port;
  private final Duration dialTimeout;
  private final Socket socket = new Socket();
  private final AtomicBoolean aborted = new AtomicBoolean();

  StreamSplicer(Stream stream, String host, int port, Duration dialTimeout) {
    this.stream = stream;
    this.host = host;
    this.port = port;
    this.dialTimeout = dialTimeout;
  }

  /**
   * Dials the target and copies both directions until both have ended. Runs on the calling thread;
   * the stream-to-target direction gets a virtual thread of its own, which is joined before return.
   * An interrupt aborts the splice.
   */
  Outcome run() {
    try {
      socket.connect(new InetSocketAddress(host, port), (int) dialTimeout.toMillis());
      socket.setTcpNoDelay(true);
    } catch (IOException | RuntimeException e) {
      if (aborted.get()) {
        return Outcome.ABORTED;
      }
      LOG.log(
          System.Logger.Level.WARNING,
          () -> "stream " + stream.id() + ": target " + host + ":" + port + " unreachable: " + e);
      abort();
      return Outcome.DIAL_FAILED;
    }
    boolean completed =
        Splice.run(
            Splice.of(socket),
            Splice.of(stream),
            "edge-agent-splice-" + stream.id() + "-up",
            BUFFER);
    closeSocket();
    if (!completed || aborted.get()) {
      if (!aborted.get()) {
        LOG.log(System.Logger.Level.DEBUG, () -> "stream " + stream.id() + ": splice aborted");
      }
      abort();
      return Outcome.ABORTED;
    }
    return Outcome.COMPLETED;
  }

  /** Ends the splice at once: resets the stream and closes the target connection. Idempotent. */
  void abort() {
    if (aborted.compareAndSet(false, true)) {
      stream.reset();
      closeSocket();
    }
  }

  private void closeSocket() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // nothing left to do with the error
    }
  }
}
