package io.visiona.proxy.ws;

import io.helidon.config.Config;
import java.time.Duration;

/**
 * The yamux settings of one kind of WebSocket (agent tunnels or the relay link), from a config
 * section such as {@code proxy.tunnel.yamux}; every key is documented in {@code
 * etc/remote-proxy.yaml}.
 *
 * @param maxStreams live streams per session
 * @param memoryBudget bytes of receive window a session may promise its peer in total
 * @param maxWindow largest receive window of one stream
 * @param maxFrameSize largest yamux data frame this side sends
 * @param sendBuffer bytes of frames queued for the WebSocket before writers wait
 * @param acceptBacklog streams opened by the peer and not yet taken up
 * @param keepAliveInterval yamux ping interval; zero disables
 * @param keepAliveTimeout silence after a ping that ends the session
 * @param writeTimeout how long a stream write may wait for window before the stream is reset, and a
 *     connection that accepts nothing before the session is closed
 */
public record YamuxSettings(
    int maxStreams,
    long memoryBudget,
    int maxWindow,
    int maxFrameSize,
    int sendBuffer,
    int acceptBacklog,
    Duration keepAliveInterval,
    Duration keepAliveTimeout,
    Duration writeTimeout) {

  public YamuxSettings {
    // tunnel-protocol checks the rest (and names the offending setting).
    config(
        maxStreams,
        memoryBudget,
        maxWindow,
        maxFrameSize,
        sendBuffer,
        acceptBacklog,
        keepAliveInterval,
        keepAliveTimeout,
        writeTimeout);
  }

  public static YamuxSettings from(Config c, YamuxSettings defaults) {
    return new YamuxSettings(
        c.get("max-streams").asInt().orElse(defaults.maxStreams()),
        c.get("memory-budget").asLong().orElse(defaults.memoryBudget()),
        c.get("max-window").asInt().orElse(defaults.maxWindow()),
        c.get("max-frame-size").asInt().orElse(defaults.maxFrameSize()),
        c.get("send-buffer").asInt().orElse(defaults.sendBuffer()),
        c.get("accept-backlog").asInt().orElse(defaults.acceptBacklog()),
        c.get("keepalive-interval").as(Duration.class).orElse(defaults.keepAliveInterval()),
        c.get("keepalive-timeout").as(Duration.class).orElse(defaults.keepAliveTimeout()),
        c.get("write-timeout").as(Duration.class).orElse(defaults.writeTimeout()));
  }

  /** Agent tunnels: many sessions, each small. */
  public static YamuxSettings tunnelDefaults() {
    return new YamuxSettings(
        256,
        32L << 20,
        4 << 20,
        16 << 10,
        64 << 10,
        16,
        Duration.ofSeconds(30),
        Duration.ofSeconds(30),
        Duration.ofSeconds(30));
  }

  /** The relay link: few sessions carrying every stream of the api-server. */
  public static YamuxSettings linkDefaults() {
    return new YamuxSettings(
        4096,
        512L << 20,
        16 << 20,
        64 << 10,
        1 << 20,
        256,
        Duration.ofSeconds(15),
        Duration.ofSeconds(30),
        Duration.ofSeconds(30));
  }

  public YamuxSettings withMaxStreams(int n) {
    return new YamuxSettings(
        n,
        memoryBudget,
        maxWindow,
        maxFrameSize,
        sendBuffer,
        acceptBacklog,
        keepAliveInterval,
        keepAliveTimeout,
        writeTimeout);
  }

  public YamuxSettings withMemoryBudget(long bytes) {
    return new YamuxSettings(
        maxStreams,
        bytes,
        maxWindow,
        maxFrameSize,
        sendBuffer,
        acceptBacklog,
        keepAliveInterval,
        keepAliveTimeout,
        writeTimeout);
  }

  public YamuxSettings withKeepAlive(Duration interval) {
    return withKeepAlive(interval, keepAliveTimeout);
  }

  public YamuxSettings withKeepAlive(Duration interval, Duration timeout) {
    return new YamuxSettings(
        maxStreams,
        memoryBudget,
        maxWindow,
        maxFrameSize,
        sendBuffer,
        acceptBacklog,
        interval,
        timeout,
        writeTimeout);
  }

  /** The tunnel-protocol session configuration. */
  public io.visiona.tunnel.Config toConfig() {
    return config(
        maxStreams,
        memoryBudget,
        maxWindow,
        maxFrameSize,
        sendBuffer,
        acceptBacklog,
        keepAliveInterval,
        keepAliveTimeout,
        writeTimeout);
  }

  private static io.visiona.tunnel.Config config(
      int maxStreams,
      long memoryBudget,
      int maxWindow,
      int maxFrameSize,
      int sendBuffer,
      int acceptBacklog,
      Duration keepAliveInterval,
      Duration keepAliveTimeout,
      Duration writeTimeout) {
    return io.visiona.tunnel.Config.builder()
        .maxStreams(maxStreams)
        .sessionMemoryBudget(memoryBudget)
        .maxWindow(maxWindow)
        .maxFrameSize(maxFrameSize)
        .sendBufferSize(sendBuffer)
        .acceptBacklog(acceptBacklog)
        .keepAliveInterval(keepAliveInterval)
        .keepAliveTimeout(keepAliveTimeout)
        .writeTimeout(writeTimeout)
        .build();
  }
}
