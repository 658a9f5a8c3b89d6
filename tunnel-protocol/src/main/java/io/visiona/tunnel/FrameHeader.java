package io.visiona.tunnel;

/**
 * The 12-byte yamux frame header (hashicorp/yamux {@code spec.md}), big-endian: version (u8), type
 * (u8), flags (u16), stream id (u32), length (u32).
 *
 * <p>{@code length} is the payload size for Data frames, the window delta for WindowUpdate, the
 * opaque value for Ping and the error code for GoAway. Stream ids and lengths are unsigned 32-bit
 * values, carried in {@code int} and read with {@link Integer#toUnsignedLong(int)}.
 */
public record FrameHeader(int type, int flags, int streamId, int length) {

  public static final int SIZE = 12;
  public static final int VERSION = 0;

  public static final int TYPE_DATA = 0;
  public static final int TYPE_WINDOW_UPDATE = 1;
  public static final int TYPE_PING = 2;
  public static final int TYPE_GO_AWAY = 3;

  public static final int FLAG_SYN = 0x1;
  public static final int FLAG_ACK = 0x2;
  public static final int FLAG_FIN = 0x4;
  public static final int FLAG_RST = 0x8;

  public static final int GO_AWAY_NORMAL = 0;
  public static final int GO_AWAY_PROTOCOL_ERROR = 1;
  public static final int GO_AWAY_INTERNAL_ERROR = 2;

  public boolean has(int flag) {
    return (flags & flag) != 0;
  }

  /** The length field as the unsigned value it is on the wire. */
  public long unsignedLength() {
    return Integer.toUnsignedLong(length);
  }

  /** Writes this header into {@code buf} at {@code off}. */
  public void encode(byte[] buf, int off) {
    encode(buf, off, type, flags, streamId, length);
  }

  public static void encode(byte[] buf, int off, int type, int flags, int streamId, int length) {
    buf[off] = VERSION;
    buf[off + 1] = (byte) type;
    buf[off + 2] = (byte) (flags >>> 8);
    buf[off + 3] = (byte) flags;
    putInt(buf, off + 4, streamId);
    putInt(buf, off + 8, length);
  }

  public byte[] toBytes() {
    byte[] b = new byte[SIZE];
    encode(b, 0);
    return b;
  }

  /**
   * Parses a header. Rejects an unknown version or type: the spec gives the peer no way to recover
   * from either, so the session answers with GoAway(protocol error).
   */
  public static FrameHeader decode(byte[] buf, int off) throws ProtocolException {
    int version = buf[off] & 0xff;
    if (version != VERSION) {
      throw new ProtocolException("unsupported yamux version " + version);
    }
    int type = buf[off + 1] & 0xff;
    if (type > TYPE_GO_AWAY) {
      throw new ProtocolException("unknown frame type " + type);
    }
    int flags = ((buf[off + 2] & 0xff) << 8) | (buf[off + 3] & 0xff);
    return new FrameHeader(type, flags, getInt(buf, off + 4), getInt(buf, off + 8));
  }

  static void putInt(byte[] b, int off, int v) {
    b[off] = (byte) (v >>> 24);
    b[off + 1] = (byte) (v >>> 16);
    b[off + 2] = (byte) (v >>> 8);
    b[off + 3] = (byte) v;
  }

  static int getInt(byte[] b, int off) {
    return ((b[off] & 0xff) << 24)
        | ((b[off + 1] & 0xff) << 16)
        | ((b[off + 2] & 0xff) << 8)
        | (b[off + 3] & 0xff);
  }

  @Override
  public String toString() {
    return typeName(type)
        + "[stream="
        + Integer.toUnsignedString(streamId)
        + " flags="
        + flagNames(flags)
        + " length="
        + Integer.toUnsignedString(length)
        + "]";
  }

  static String typeName(int type) {
    return switch (type) {
      case TYPE_DATA -> "Data";
      case TYPE_WINDOW_UPDATE -> "WindowUpdate";
      case TYPE_PING -> "Ping";
      case TYPE_GO_AWAY -> "GoAway";
      default -> "Type" + type;
    };
  }

  static String flagNames(int flags) {
    StringBuilder sb = new StringBuilder();
    if ((flags & FLAG_SYN) != 0) sb.append("SYN|");
    if ((flags & FLAG_ACK) != 0) sb.append("ACK|");
    if ((flags & FLAG_FIN) != 0) sb.append("FIN|");
    if ((flags & FLAG_RST) != 0) sb.append("RST|");
    return sb.isEmpty() ? "0" : sb.substring(0, sb.length() - 1);
  }
}
