package io.visiona.tunnel;

/** Why a stream ended abruptly; counted per session. */
public enum ResetReason {
  /** The peer sent RST. */
  REMOTE("reset by peer"),
  /** The application called {@link Stream#reset()}. */
  LOCAL("reset by application"),
  /** The application closed the stream with unread data, or data arrived after it closed. */
  UNREAD_DATA("closed with unread data"),
  /** A write found no send window or queue space before the write timeout. */
  WRITE_TIMEOUT("write timed out"),
  /** After a local close the peer's FIN did not arrive within the close timeout. */
  CLOSE_TIMEOUT("peer did not close in time"),
  /** The accept backlog was full when the peer opened the stream. */
  ACCEPT_BACKLOG_FULL("accept backlog full"),
  /** The session already holds its maximum number of streams. */
  TOO_MANY_STREAMS("too many streams"),
  /** Accepting the stream would exceed the session's memory budget. */
  MEMORY_BUDGET("session memory budget exhausted"),
  /** This side sent GoAway and takes no new streams. */
  GOING_AWAY("session going away"),
  /** The peer sent data or FIN after its FIN. */
  DATA_AFTER_FIN("data after FIN");

  private final String description;

  ResetReason(String description) {
    this.description = description;
  }

  public String description() {
    return description;
  }
}
