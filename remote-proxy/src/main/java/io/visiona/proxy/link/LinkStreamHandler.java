package io.visiona.proxy.link;

import io.visiona.proxy.metrics.ProxyMetrics;
import io.visiona.proxy.tunnel.TunnelException;
import io.visiona.proxy.tunnel.TunnelRegistry;
import io.visiona.tunnel.Splice;
import io.visiona.tunnel.Stream;
import java.io.IOException;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Serves one stream of the relay link: header, open the device stream, answer, splice. */
final class LinkStreamHandler {

  private static final Duration DRAIN_TIME = Duration.ofSeconds(1);
  private static final long MAX_DRAIN = 64 * 1024;

  /** Per direction of a relay stream: a few frames, small because a proxy carries many streams. */
  private static final int SPLICE_BUFFER = 16 * 1024;

  private final TunnelRegistry registry;
  private final Duration headerTimeout;
  private final ProxyMetrics metrics;
  private final BooleanSupplier draining;

  LinkStreamHandler(
      TunnelRegistry registry,
      Duration headerTimeout,
      ProxyMetrics metrics,
      BooleanSupplier draining) {
    this.registry = registry;
    this.headerTimeout = headerTimeout;
    this.metrics = metrics;
    this.draining = draining;
  }

  void handle(Stream link) {
    String device;
    try {
      link.setReadTimeout(headerTimeout);
      device = LinkHeader.readDevice(link.inputStream());
      link.setReadTimeout(null);
    } catch (LinkHeader.Invalid e) {
      refuse(link, "BAD_HEADER", e.getMessage());
      return;
    } catch (IOException e) {
      metrics.linkStreamOutcome("header_failed");
      link.reset();
      return;
    }
    if (draining.getAsBoolean()) {
      refuse(link, TunnelException.DRAINING, "proxy is draining");
      return;
    }
    Stream agent;
    try {
      agent = registry.openStream(device);
    } catch (TunnelException e) {
      refuse(link, e.code(), e.getMessage());
      return;
    }
    try {
      LinkHeader.ok(link.outputStream());
    } catch (IOException e) {
      metrics.linkStreamOutcome("answer_failed");
      agent.reset();
      link.reset();
      return;
    }
    metrics.linkStreamOutcome("ok");
    Splice.run(Splice.of(link), Splice.of(agent), "splice-" + agent.id(), SPLICE_BUFFER);
  }

  /**
   * Answers with the error line and ends the stream. Whatever the api-server sent after its header
   * is read and dropped (a little, briefly), since closing with unread data would reset the stream
   * and lose the error line.
   */
  private void refuse(Stream link, String code, String message) {
    metrics.linkStreamOutcome(code);
    try {
      LinkHeader.error(link.outputStream(), code, message);
      link.closeWrite();
      link.setReadTimeout(DRAIN_TIME);
      byte[] scratch = new byte[4096];
      long left = MAX_DRAIN;
      int n;
      while (left > 0 && (n = link.inputStream().read(scratch)) >= 0) {
        left -= n;
      }
      link.close();
    } catch (IOException e) {
      link.reset();
    }
  }
}
