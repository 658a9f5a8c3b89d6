package io.visiona.tunnel;

/** The peer sent GoAway: no new streams can be opened on this session. */
public final class GoAwayException extends SessionClosedException {
  private final int code;

  public GoAwayException(int code) {
    super("peer sent GoAway(" + codeName(code) + ")", null);
    this.code = code;
  }

  public int code() {
    return code;
  }

  static String codeName(int code) {
    return switch (code) {
      case FrameHeader.GO_AWAY_NORMAL -> "normal";
      case FrameHeader.GO_AWAY_PROTOCOL_ERROR -> "protocol error";
      case FrameHeader.GO_AWAY_INTERNAL_ERROR -> "internal error";
      default -> "code " + Integer.toUnsignedString(code);
    };
  }
}
