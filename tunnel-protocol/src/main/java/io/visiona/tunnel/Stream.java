package io.visiona.tunnel;

import io.visiona.tunnel.StreamState.Event;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One yamux stream: a full-duplex byte stream with its own flow control.
 *
 * <p>Reading: buffered data is delivered, then end-of-stream once the peer has sent FIN. Window
 * credit goes back to the peer as the application consumes bytes, never as they arrive, so the
 * buffer can never exceed the advertised window ({@link ReceiveWindow}). A stream that was reset
 * throws {@link StreamResetException}, even if data was still buffered (as hashicorp does).
 *
 * <p>Writing blocks while the send window is empty, at most for the write timeout; a timed-out
 * write resets the stream so the peer is not left waiting. {@link #closeWrite()} sends FIN and
 * reading goes on; {@link #close()} gives up reading too (RST if unread data is left); {@link
 * #reset()} aborts both directions.
 *
 * <p>The lifecycle is one {@link StreamState}, changed only under {@code lock}; whoever moves the
 * stream into a finished state releases it (gives its window and slot back to the session), once.
 */
public final class Stream implements Closeable {

  private final StreamHost host;
  private final int id;
  private final boolean outbound;
  private final ReentrantLock lock = new ReentrantLock();
  private final InputStream in = new StreamInputStream(this);
  private final OutputStream out = new StreamOutputStream(this);
  private final StreamSender sender;
  private final StreamReceiver receiver;
  private final FrameHandler.PayloadSink payloadSink;

  // Guarded by lock; volatile so that isReceiving() may read it without the lock.
  private volatile StreamState state = StreamState.OPEN;
  // Guarded by lock.
  private ResetReason resetReason;
  private IOException sessionCloseCause;
  private boolean applicationClosed;
  private boolean awaitingAck;
  private ScheduledFuture<?> closeTimer;

  private volatile Duration readTimeout;
  private volatile Duration writeTimeout;

  Stream(StreamHost host, int id, boolean outbound, int initialWindow) {
    this.host = host;
    this.id = id;
    this.outbound = outbound;
    this.awaitingAck = outbound;
    this.writeTimeout = host.config().writeTimeout();
    this.sender =
        new StreamSender(
            host, id, lock, this::ensureWritable, () -> resetWith(ResetReason.WRITE_TIMEOUT));
    this.receiver = new StreamReceiver(host, initialWindow, lock, () -> state);
    this.payloadSink = receiver::onPayload;
  }

  public int id() {
    return id;
  }

  /** True if this side opened the stream. */
  public boolean isOutbound() {
    return outbound;
  }

  public Session session() {
    return host.session();
  }

  public InputStream inputStream() {
    return in;
  }

  public OutputStream outputStream() {
    return out;
  }

  /** How long a read waits for data; {@code null} or zero waits forever (the default). */
  public void setReadTimeout(Duration timeout) {
    readTimeout = timeout;
  }

  /** How long a write waits for window or queue space before the stream is reset. */
  public void setWriteTimeout(Duration timeout) {
    writeTimeout = Objects.requireNonNull(timeout);
  }

  /** True once this stream holds no session state: finished both ways, reset, or session closed. */
  public boolean isReleased() {
    return state.finished();
  }

  /** True until no more data can arrive (FIN or RST received, reset, session closed). */
  boolean isReceiving() {
    return state.receives();
  }

  int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (len == 0) {
      return 0;
    }
    int n;
    long credit = 0;
    lock.lock();
    try {
      n = receiver.read(b, off, len, Waits.deadline(readTimeout), this::atEndOfBuffer);
      if (n > 0) {
        credit = receiver.creditAfterReading(n);
      }
    } finally {
      lock.unlock();
    }
    if (credit > 0) {
      host.sendWindowUpdate(this, credit);
    }
    return n;
  }

  /** The buffer is empty: -1 once the peer finished, 0 to wait for data, or why not (lock held). */
  private int atEndOfBuffer() throws IOException {
    return switch (state) {
      case RESET -> throw new StreamResetException(resetReason);
      case REMOTE_CLOSED, CLOSED -> -1;
      case ABORTED -> throw sessionCloseCause;
      case OPEN, LOCAL_CLOSED -> {
        if (applicationClosed) {
          throw new IOException("stream closed");
        }
        yield 0;
      }
    };
  }

  int available() {
    return receiver.available();
  }

  void write(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    sender.write(b, off, len, System.nanoTime() + writeTimeout.toNanos());
  }

  /** Throws if this side can no longer send: reset, session closed or FIN sent (lock held). */
  private void ensureWritable() throws IOException {
    if (state == StreamState.RESET) {
      throw new StreamResetException(resetReason);
    }
    if (sessionCloseCause != null) {
      throw sessionCloseCause;
    }
    if (!state.sends()) {
      throw new IOException("stream closed for writing");
    }
  }

  /** Half-close: sends FIN after everything written so far. Reading goes on. Idempotent. */
  public void closeWrite() throws IOException {
    long deadline = System.nanoTime() + writeTimeout.toNanos();
    sender.lockForWrite(deadline);
    boolean finished = false;
    try {
      lock.lock();
      try {
        if (!state.sends()) {
          return;
        }
        finished = apply(Event.LOCAL_FIN);
      } finally {
        lock.unlock();
      }
      host.sendFin(id, deadline);
    } finally {
      sender.unlockForWrite();
      if (finished) {
        release(); // also if the FIN could not be queued: the stream is done either way
      }
    }
  }

  /**
   * Closes both directions. Sends FIN; if unread data is left (or arrives later) the stream is
   * reset instead, and if the peer does not finish within the close timeout it is reset too.
   */
  @Override
  public void close() {
    boolean unread;
    lock.lock();
    try {
      if (applicationClosed) {
        return;
      }
      applicationClosed = true;
      if (state.finished()) {
        return;
      }
      unread = receiver.buffered() > 0;
      receiver.wakeReaders();
    } finally {
      lock.unlock();
    }
    if (unread) {
      resetWith(ResetReason.UNREAD_DATA);
      return;
    }
    try {
      closeWrite();
    } catch (IOException e) {
      resetWith(ResetReason.LOCAL);
      return;
    }
    lock.lock();
    try {
      if (!state.finished()) {
        closeTimer =
            host.schedule(() -> resetWith(ResetReason.CLOSE_TIMEOUT), host.config().closeTimeout());
      }
    } finally {
      lock.unlock();
    }
  }

  /** Aborts both directions: RST to the peer, errors for local readers and writers. */
  public void reset() {
    resetWith(ResetReason.LOCAL);
  }

  void resetWith(ResetReason reason) {
    if (transition(Event.RESET, () -> resetReason = reason)) {
      host.sendReset(id, reason);
    }
  }

  void onAck() {
    lock.lock();
    try {
      releaseAckSlot();
    } finally {
      lock.unlock();
    }
  }

  /** The peer acknowledged this stream, or it ended: one more may await its ACK (lock held). */
  private void releaseAckSlot() {
    if (awaitingAck) {
      awaitingAck = false;
      host.ackReceived();
    }
  }

  /**
   * A Data frame of {@code length} bytes starts: where its payload goes (passed on as it arrives),
   * or null if it is to be dropped. A frame larger than the window left is the peer's protocol
   * error, found before anything is allocated.
   */
  FrameHandler.PayloadSink onDataStart(long length) throws ProtocolException {
    ResetReason resetFor = null;
    long credit = 0;
    boolean keep = false;
    lock.lock();
    try {
      if (!receiver.admits(length)) {
        throw new ProtocolException(
            "stream " + Integer.toUnsignedString(id) + " exceeded its receive window");
      }
      if (state == StreamState.REMOTE_CLOSED || state == StreamState.CLOSED) {
        resetFor = ResetReason.DATA_AFTER_FIN;
      } else if (applicationClosed) {
        resetFor = ResetReason.UNREAD_DATA;
      } else if (state.receives()) {
        credit = receiver.accept(length);
        keep = true;
      }
    } finally {
      lock.unlock();
    }
    if (credit > 0) {
      host.sendWindowUpdate(this, credit);
    }
    if (resetFor != null) {
      resetWith(resetFor);
    }
    return keep ? payloadSink : null;
  }

  void onWindowUpdate(long delta) throws ProtocolException {
    sender.credit(delta);
  }

  void onRemoteFin() {
    if (state.next(Event.REMOTE_FIN) == null) {
      // A second FIN. hashicorp closes the whole session; resetting only this stream keeps one
      // buggy stream from killing the others.
      resetWith(ResetReason.DATA_AFTER_FIN);
    } else {
      transition(Event.REMOTE_FIN, () -> {});
    }
  }

  void onRemoteReset() {
    if (transition(Event.RESET, () -> resetReason = ResetReason.REMOTE)) {
      host.countRemoteReset();
    }
  }

  /** The session ended: buffered data can still be read, then the cause is thrown. */
  void onSessionClosed(IOException cause) {
    transition(Event.SESSION_ENDED, () -> sessionCloseCause = cause);
  }

  /**
   * Applies {@code event} unless the stream has already finished: under the lock {@code first}
   * runs, then the state changes; a stream finished by it is released. True if it applied.
   */
  private boolean transition(Event event, Runnable first) {
    boolean finished;
    lock.lock();
    try {
      if (state.finished()) {
        return false;
      }
      first.run();
      finished = apply(event);
    } finally {
      lock.unlock();
    }
    if (finished) {
      release();
    }
    return true;
  }

  /**
   * The one place the state changes (under the lock); wakes readers and writers. True if this moved
   * the stream into a finished state: the caller then releases it, after the lock.
   */
  private boolean apply(Event event) {
    StreamState next = state.next(event);
    if (next == null) {
      throw new IllegalStateException(this + ": " + event + " in " + state);
    }
    boolean finishing = !state.finished() && next.finished();
    state = next;
    if (next == StreamState.RESET) {
      receiver.drop();
    }
    receiver.wakeReaders();
    sender.wakeWriters();
    return finishing;
  }

  /** Gives back every piece of session state this stream holds; once, after it finished. */
  private void release() {
    int target;
    lock.lock();
    try {
      if (closeTimer != null) {
        closeTimer.cancel(false);
        closeTimer = null;
      }
      releaseAckSlot();
      target = receiver.windowTarget();
    } finally {
      lock.unlock();
    }
    host.released(this, target);
  }

  /**
   * Checks the receive window's invariant ({@link ReceiveWindow}) and that the buffer never
   * outgrows the window; tests call it after every operation. Returns the window, the stream's
   * share of the session's memory budget.
   *
   * @throws AssertionError if either does not hold
   */
  int checkWindowInvariant() {
    return receiver.checkInvariant(this);
  }

  @Override
  public String toString() {
    return "Stream[" + Integer.toUnsignedString(id) + (outbound ? " out" : " in") + "]";
  }
}
