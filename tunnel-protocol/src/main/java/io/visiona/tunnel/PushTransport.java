package io.visiona.tunnel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A transport for servers whose connection delivers received bytes through callbacks (for example a
 * WebSocket listener): the server calls {@link #receive} with each message, in order, one call at a
 * time, and the session parses the frames on that thread. Outgoing frames go to the {@link Sender},
 * header and payload together, one binary message per batch.
 *
 * <p>Nothing is buffered here: payload goes straight into stream buffers, which the advertised
 * windows bound. {@link #receive} blocks only while the session cannot queue the control frames the
 * input calls for, which stops the server's reads and pushes back on the peer through TCP.
 */
public final class PushTransport implements Transport {

  /** Sends frames to the peer, for example as one binary WebSocket message per call. */
  public interface Sender {
    /** Sends {@code frames} completely, blocking until the connection took them. */
    void send(ByteBuffer frames) throws IOException;

    /** Closes the connection. Called once. */
    void close();
  }

  private final Sender sender;
  private final String description;
  private final ReceiverSlot slot = new ReceiverSlot();
  private final AtomicBoolean closed = new AtomicBoolean();

  public PushTransport(Sender sender, String description) {
    this.sender = sender;
    this.description = description;
  }

  /**
   * Hands over bytes received from the peer. Waits, if need be, until a session has been started on
   * this transport; fails if the transport is closed first.
   */
  public void receive(ByteBuffer data) throws IOException {
    slot.awaitReceiver().receive(data);
  }

  /**
   * Hands over {@code length} received bytes, which the session copies out of {@code source} as it
   * parses them (no intermediate buffer). Waits as {@link #receive(ByteBuffer)} does.
   */
  public void receive(int length, ByteSource source) throws IOException {
    slot.awaitReceiver().receive(source, length);
  }

  /** The peer closed the connection cleanly. */
  public void endOfInput() {
    slot.end(null);
  }

  /** The connection failed. */
  public void fail(Throwable cause) {
    slot.end(cause instanceof IOException io ? io : new IOException(cause));
  }

  @Override
  public void start(Receiver receiver) {
    slot.start(receiver);
  }

  @Override
  public void write(byte[] buf, int off, int len) throws IOException {
    if (closed.get()) {
      throw new IOException("transport closed");
    }
    sender.send(ByteBuffer.wrap(buf, off, len));
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      slot.close();
      sender.close();
    }
  }

  @Override
  public String describe() {
    return description;
  }
}
