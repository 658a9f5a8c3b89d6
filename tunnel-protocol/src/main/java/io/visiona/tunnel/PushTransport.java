package io.visiona.tunnel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A transport for servers whose connection delivers received bytes through callbacks (for example a
 * WebSocket listener): the server calls {@link #receive} with each message, in order, and the
 * session pulls from a bounded buffer. {@link #receive} blocks while that buffer is full, which
 * pushes back on the peer through TCP. Outgoing frames go to the {@link Sender}, header and payload
 * together, one binary message per batch.
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
  private final InboundBytes inbound;
  private final String description;
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * @param inboundCapacity bytes buffered between {@link #receive} and the session reader
   */
  public PushTransport(Sender sender, int inboundCapacity, String description) {
    this.sender = sender;
    this.inbound = new InboundBytes(inboundCapacity);
    this.description = description;
  }

  /** Copies bytes out of a received message; see {@link #receive(int, ByteSource)}. */
  public interface ByteSource {
    /** Copies exactly {@code len} bytes into {@code dst} from {@code off}. */
    void read(byte[] dst, int off, int len) throws IOException;
  }

  /** Hands over bytes received from the peer; waits while the inbound buffer is full. */
  public void receive(ByteBuffer data) throws IOException {
    inbound.put(data);
  }

  /**
   * Hands over {@code length} received bytes that {@code source} copies straight into the inbound
   * buffer (no intermediate buffer); waits while the inbound buffer is full.
   */
  public void receive(int length, ByteSource source) throws IOException {
    inbound.put(length, source::read);
  }

  /** The peer closed the connection cleanly. */
  public void endOfInput() {
    inbound.finish();
  }

  /** The connection failed. */
  public void fail(Throwable cause) {
    inbound.fail(cause instanceof IOException io ? io : new IOException(cause));
  }

  @Override
  public int read(byte[] buf, int off, int len) throws IOException {
    return inbound.read(buf, off, len);
  }

  @Override
  public int available() {
    return inbound.available();
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
      inbound.close();
      sender.close();
    }
  }

  /** Bytes the inbound buffer holds right now (memory accounting, tests). */
  int retainedBytes() {
    return inbound.retainedBytes();
  }

  @Override
  public String describe() {
    return description;
  }
}
