package io.visiona.tunnel;

import java.io.Closeable;
import java.io.IOException;

/**
 * A reliable, ordered byte pipe that carries yamux frames. Frame boundaries mean nothing to a
 * transport: {@link #read} may return any split of the peer's bytes.
 *
 * <p>A session calls {@link #read} from exactly one thread. It never calls {@link #write}
 * concurrently with itself, but successive writes may come from different threads (the session's
 * writer, or an application thread that found the writer idle), so implementations need not
 * serialise either against itself.
 */
public interface Transport extends Closeable {

  /** Reads at least one byte, blocking until some arrive; -1 once the peer has closed. */
  int read(byte[] buf, int off, int len) throws IOException;

  /**
   * Writes {@code len} bytes holding one or more whole frames and returns once the transport has
   * taken them; {@code buf} may be reused afterwards.
   */
  void write(byte[] buf, int off, int len) throws IOException;

  /**
   * Bytes that can be read now without blocking, as far as the transport knows. The session reads
   * into a small buffer when this is low, so that an idle session does not wait on a large one. The
   * default, {@link Integer#MAX_VALUE}, means unknown.
   */
  default int available() throws IOException {
    return Integer.MAX_VALUE;
  }

  /** Closes both directions and unblocks a pending {@link #read}. Idempotent. */
  @Override
  void close();

  /** For logs: the remote address or similar. */
  default String describe() {
    return getClass().getSimpleName();
  }
}
