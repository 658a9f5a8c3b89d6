package io.visiona.server.listener;

import io.helidon.common.buffers.BufferData;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.http.Status;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1ConnectionListener;
import java.util.List;

/**
 * Several HTTP/1 receive listeners as one. Helidon 4.2.6 combines a list of them into a listener
 * that forwards no call at all ({@code Http1ConnectionListenerUtil.ListFrameListener} has no
 * methods), so a listener's {@code Http1Config} must be given exactly one.
 */
final class Http1ListenerChain implements Http1ConnectionListener {

  private final List<Http1ConnectionListener> listeners;

  private Http1ListenerChain(List<Http1ConnectionListener> listeners) {
    this.listeners = List.copyOf(listeners);
  }

  /** {@code listeners} as one listener that calls each in order. */
  static Http1ConnectionListener of(List<Http1ConnectionListener> listeners) {
    return listeners.size() == 1 ? listeners.getFirst() : new Http1ListenerChain(listeners);
  }

  @Override
  public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
    listeners.forEach(l -> l.prologue(ctx, prologue));
  }

  @Override
  public void headers(ConnectionContext ctx, Headers headers) {
    listeners.forEach(l -> l.headers(ctx, headers));
  }

  @Override
  public void status(ConnectionContext ctx, Status status) {
    listeners.forEach(l -> l.status(ctx, status));
  }

  @Override
  public void data(ConnectionContext ctx, BufferData data) {
    listeners.forEach(l -> l.data(ctx, data));
  }

  @Override
  public void data(ConnectionContext ctx, byte[] data, int position, int length) {
    listeners.forEach(l -> l.data(ctx, data, position, length));
  }
}
