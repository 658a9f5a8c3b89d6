package io.visiona.proxy.link;

import io.helidon.config.Config;
import io.visiona.proxy.ws.YamuxSettings;
import java.time.Duration;

/**
 * Typed view of {@code proxy.link.*}; every key is documented in {@code etc/remote-proxy.yaml}.
 *
 * @param maxFrameLength largest WebSocket frame accepted from the api-server
 * @param headerTimeout how long a new link stream may take to send its {@code device} line
 * @param yamux the yamux settings of the link sessions
 */
public record LinkSettings(int maxFrameLength, Duration headerTimeout, YamuxSettings yamux) {

  public static LinkSettings defaults() {
    return new LinkSettings(4 << 20, Duration.ofSeconds(10), YamuxSettings.linkDefaults());
  }

  public static LinkSettings from(Config c) {
    LinkSettings d = defaults();
    return new LinkSettings(
        c.get("max-frame-length").asInt().orElse(d.maxFrameLength()),
        c.get("header-timeout").as(Duration.class).orElse(d.headerTimeout()),
        YamuxSettings.from(c.get("yamux"), d.yamux()));
  }

  public LinkSettings withYamux(YamuxSettings y) {
    return new LinkSettings(maxFrameLength, headerTimeout, y);
  }
}
