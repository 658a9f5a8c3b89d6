package io.visiona.tunnel;

import java.io.IOException;

/** {@link Session#openStream()} refused locally: a limit of the session is reached. */
public final class StreamLimitException extends IOException {

  /** Which limit. */
  public enum Limit {
    /** {@link Config#maxStreams()} streams are open. */
    MAX_STREAMS,
    /** The session's memory budget cannot cover another stream's initial window. */
    MEMORY_BUDGET,
    /** Every stream id of this side has been used; only a new session helps. */
    STREAM_IDS
  }

  private final Limit limit;

  public StreamLimitException(Limit limit, String message) {
    super(message);
    this.limit = limit;
  }

  public Limit limit() {
    return limit;
  }
}
