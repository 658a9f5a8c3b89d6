package io.visiona.tunnel;

/**
 * A stream's lifecycle, hashicorp's states without the SYN/ACK handshake (which only governs the
 * ACK backlog). Every change goes through {@link #next}, under the stream's lock.
 *
 * <pre>
 *            local FIN                remote FIN
 *   OPEN ──────────────▶ LOCAL_CLOSED ──────────────▶ CLOSED
 *     │ remote FIN                         local FIN     ▲
 *     └───────────────▶ REMOTE_CLOSED ───────────────────┘
 *   any live state ── RST sent or received ──▶ RESET
 *   OPEN, LOCAL_CLOSED ── session ended ──▶ ABORTED   (REMOTE_CLOSED ── session ended ──▶ CLOSED)
 * </pre>
 */
enum StreamState {
  /** Both directions carry data. */
  OPEN(true, true),
  /** This side sent FIN: the peer may still send. */
  LOCAL_CLOSED(false, true),
  /** The peer sent FIN: this side may still send. */
  REMOTE_CLOSED(true, false),
  /** Both FINs: finished normally. */
  CLOSED(false, false),
  /** RST sent or received. */
  RESET(false, false),
  /** The session ended while the peer could still send. */
  ABORTED(false, false);

  /** What happens to a stream. */
  enum Event {
    LOCAL_FIN,
    REMOTE_FIN,
    RESET,
    SESSION_ENDED
  }

  private final boolean sends;
  private final boolean receives;

  StreamState(boolean sends, boolean receives) {
    this.sends = sends;
    this.receives = receives;
  }

  /** True while this side may send data. */
  boolean sends() {
    return sends;
  }

  /** True while the peer may send data. */
  boolean receives() {
    return receives;
  }

  /** True once the stream holds no session state any more: it has been released. */
  boolean finished() {
    return !sends && !receives;
  }

  /**
   * The state after {@code event}: the same state if the event changes nothing (a second local FIN,
   * anything after the end), or {@code null} if it is the peer's protocol error (a second FIN from
   * the peer, which resets the stream).
   */
  StreamState next(Event event) {
    if (finished()) {
      return this;
    }
    return switch (event) {
      case LOCAL_FIN -> receives ? (sends ? LOCAL_CLOSED : this) : CLOSED;
      case REMOTE_FIN -> receives ? (sends ? REMOTE_CLOSED : CLOSED) : null;
      case RESET -> RESET;
      case SESSION_ENDED -> receives ? ABORTED : CLOSED;
    };
  }
}
