package io.visiona.proxy.tunnel;

/** A stream to a device could not be opened; {@link #code()} is stable and reported to callers. */
public final class TunnelException extends Exception {

  public static final String DISCONNECTED = "TUNNEL_DISCONNECTED";
  public static final String TOO_MANY_STREAMS = "TOO_MANY_STREAMS";
  public static final String MEMORY_BUDGET = "MEMORY_BUDGET_EXHAUSTED";
  public static final String OPEN_FAILED = "STREAM_OPEN_FAILED";
  public static final String DRAINING = "DRAINING";

  private final String code;

  public TunnelException(String code, String message, Throwable cause) {
    super(message, cause, false, false);
    this.code = code;
  }

  public String code() {
    return code;
  }
}
