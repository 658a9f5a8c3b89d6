package io.visiona.tunnel;

import java.time.Duration;
import java.util.Objects;

/**
 * Session settings. The defaults interoperate with hashicorp/yamux's defaults.
 *
 * @param initialWindow receive window every stream starts with; 256 KiB is the spec's value and
 *     must not be changed when talking to hashicorp peers, which assume it
 * @param maxWindow largest receive window a stream may grow to when it is throughput-bound
 * @param sessionMemoryBudget upper bound on the sum of all streams' receive windows, i.e. on the
 *     bytes a peer may make this session buffer
 * @param maxFrameSize largest Data payload sent in one frame (fairness across streams)
 * @param acceptBacklog inbound streams waiting for {@link Session#acceptStream}; beyond, new
 *     streams are reset
 * @param ackBacklog locally opened streams waiting for the peer's ACK; beyond, {@link
 *     Session#openStream} waits
 * @param maxStreams live streams per session, both directions
 * @param keepAliveInterval time between keepalive pings; zero disables them
 * @param keepAliveTimeout how long the session may receive nothing at all after a ping before it is
 *     considered dead
 * @param openTimeout how long {@link Session#openStream} waits for an ACK-backlog slot
 * @param writeTimeout how long a stream write waits for send window or buffer space; on expiry the
 *     stream is reset. It also bounds the transport: when the transport takes no bytes for this
 *     long while frames wait (the peer stopped reading), or a control frame waits this long for
 *     room, the session ends with a {@link java.net.SocketTimeoutException} naming the timeout.
 *     Frames go to the transport in pieces of at most 64 KiB, so a link is only taken for stuck
 *     when it moves less than 64 KiB per write timeout (about 2 KiB/s with the default 30 s)
 * @param closeTimeout how long a closed stream waits for the peer's FIN before it is reset
 * @param sendBufferSize bytes of frames queued for the transport before writers wait
 */
public record Config(
    int initialWindow,
    int maxWindow,
    long sessionMemoryBudget,
    int maxFrameSize,
    int acceptBacklog,
    int ackBacklog,
    int maxStreams,
    Duration keepAliveInterval,
    Duration keepAliveTimeout,
    Duration openTimeout,
    Duration writeTimeout,
    Duration closeTimeout,
    int sendBufferSize) {

  public static final int SPEC_INITIAL_WINDOW = 256 * 1024;

  public Config {
    Objects.requireNonNull(keepAliveInterval, "keepAliveInterval");
    Objects.requireNonNull(keepAliveTimeout, "keepAliveTimeout");
    Objects.requireNonNull(openTimeout, "openTimeout");
    Objects.requireNonNull(writeTimeout, "writeTimeout");
    Objects.requireNonNull(closeTimeout, "closeTimeout");
    require(initialWindow >= SPEC_INITIAL_WINDOW, "initialWindow must be at least 256 KiB");
    require(maxWindow >= initialWindow, "maxWindow must be at least initialWindow");
    require(sessionMemoryBudget >= initialWindow, "sessionMemoryBudget must hold one window");
    require(maxFrameSize >= 1024 && maxFrameSize <= 1 << 20, "maxFrameSize must be 1 KiB..1 MiB");
    require(acceptBacklog > 0, "acceptBacklog must be positive");
    require(ackBacklog > 0, "ackBacklog must be positive");
    require(maxStreams > 0, "maxStreams must be positive");
    require(sendBufferSize >= 2 * (maxFrameSize + FrameHeader.SIZE), "sendBufferSize too small");
    require(!keepAliveTimeout.isNegative(), "keepAliveTimeout must not be negative");
    require(writeTimeout.isPositive(), "writeTimeout must be positive");
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  public static Config defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder()
        .initialWindow(initialWindow)
        .maxWindow(maxWindow)
        .sessionMemoryBudget(sessionMemoryBudget)
        .maxFrameSize(maxFrameSize)
        .acceptBacklog(acceptBacklog)
        .ackBacklog(ackBacklog)
        .maxStreams(maxStreams)
        .keepAliveInterval(keepAliveInterval)
        .keepAliveTimeout(keepAliveTimeout)
        .openTimeout(openTimeout)
        .writeTimeout(writeTimeout)
        .closeTimeout(closeTimeout)
        .sendBufferSize(sendBufferSize);
  }

  /** Builder with hashicorp-compatible defaults and auto-tuned windows up to 16 MiB. */
  public static final class Builder {
    private int initialWindow = SPEC_INITIAL_WINDOW;
    private int maxWindow = 16 << 20;
    private long sessionMemoryBudget = 256L << 20;
    private int maxFrameSize = 64 << 10;
    private int acceptBacklog = 256;
    private int ackBacklog = 256;
    private int maxStreams = 1000;
    private Duration keepAliveInterval = Duration.ofSeconds(30);
    private Duration keepAliveTimeout = Duration.ofSeconds(30);
    private Duration openTimeout = Duration.ofSeconds(75);
    private Duration writeTimeout = Duration.ofSeconds(30);
    private Duration closeTimeout = Duration.ofMinutes(2);
    private int sendBufferSize = 512 << 10;

    public Builder initialWindow(int v) {
      initialWindow = v;
      return this;
    }

    public Builder maxWindow(int v) {
      maxWindow = v;
      return this;
    }

    public Builder sessionMemoryBudget(long v) {
      sessionMemoryBudget = v;
      return this;
    }

    public Builder maxFrameSize(int v) {
      maxFrameSize = v;
      return this;
    }

    public Builder acceptBacklog(int v) {
      acceptBacklog = v;
      return this;
    }

    public Builder ackBacklog(int v) {
      ackBacklog = v;
      return this;
    }

    public Builder maxStreams(int v) {
      maxStreams = v;
      return this;
    }

    public Builder keepAliveInterval(Duration v) {
      keepAliveInterval = v;
      return this;
    }

    public Builder keepAliveTimeout(Duration v) {
      keepAliveTimeout = v;
      return this;
    }

    public Builder openTimeout(Duration v) {
      openTimeout = v;
      return this;
    }

    public Builder writeTimeout(Duration v) {
      writeTimeout = v;
      return this;
    }

    public Builder closeTimeout(Duration v) {
      closeTimeout = v;
      return this;
    }

    public Builder sendBufferSize(int v) {
      sendBufferSize = v;
      return this;
    }

    public Config build() {
      return new Config(
          initialWindow,
          maxWindow,
          sessionMemoryBudget,
          maxFrameSize,
          acceptBacklog,
          ackBacklog,
          maxStreams,
          keepAliveInterval,
          keepAliveTimeout,
          openTimeout,
          writeTimeout,
          closeTimeout,
          sendBufferSize);
    }
  }
}
