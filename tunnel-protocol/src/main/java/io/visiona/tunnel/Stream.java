package io.visiona.tunnel;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One yamux stream: a full-duplex byte stream with its own flow control.
 *
 * <p>Reading: buffered data is delivered, then end-of-stream once the peer has sent FIN. Window
 * credit goes back to the peer as the application consumes bytes, never as they arrive, so the
 * buffer can never exceed the advertised window. A stream that was reset throws {@link
 * StreamResetException}, even if data was still buffered (as hashicorp does).
 *
 * <p>Writing blocks while the send window is empty, at most for the write timeout; a timed-out
 * write resets the stream so the peer is not left waiting. {@link #closeWrite()} sends FIN and
 * reading goes on; {@link #close()} gives up reading too (RST if unread data is left); {@link
 * #reset()} aborts both directions.
 *
 * <p>Invariant, guarded by {@code lock}: {@code windowTarget == buffered + pendingCredit +
 * recvWindow}, i.e. the peer can never make this stream hold more than its window.
 */
public final class Stream implements Closeable {

  private static final byte[] EMPTY = new byte[0];
  private static final int MIN_RING = 16 * 1024;
  private static final long MAX_SEND_WINDOW = 0xFFFF_FFFFL;

  private final Session session;
  private final int id;
  private final boolean outbound;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition readable = lock.newCondition();
  private final Condition writable = lock.newCondition();
  private final ReentrantLock writeLock = new ReentrantLock();
  private final AtomicBoolean released = new AtomicBoolean();
  private final AtomicBoolean ackSlotHeld;
  private final InputStream in = new In();
  private final OutputStream out = new Out();

  // Guarded by lock.
  private long sendWindow = Config.SPEC_INITIAL_WINDOW;
  private byte[] ring = EMPTY;
  private int head;
  private int buffered;
  private long recvWindow;
  private long pendingCredit;
  private boolean creditHeld;
  private int windowTarget;
  private long epochStart = System.nanoTime();
  private boolean localFin;
  private boolean remoteFin;
  private boolean appClosed;
  private ResetReason resetReason;
  private IOException sessionClosed;
  private ScheduledFuture<?> closeTimer;

  // False once no more data can arrive: FIN or RST received, reset, session closed, released.
  private volatile boolean receiving = true;
  private volatile Duration readTimeout;
  private volatile Duration writeTimeout;

  Stream(Session session, int id, boolean outbound, int initialWindow) {
    this.session = session;
    this.id = id;
    this.outbound = outbound;
    this.ackSlotHeld = new AtomicBoolean(outbound);
    this.windowTarget = initialWindow;
    // The peer assumes the spec's window until our SYN/ACK advertises more.
    this.recvWindow = initialWindow;
    this.writeTimeout = session.config().writeTimeout();
  }

  public int id() {
    return id;
  }

  /** True if this side opened the stream. */
  public boolean isOutbound() {
    return outbound;
  }

  public Session session() {
    return session;
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
    return released.get();
  }

  /** True until no more data can arrive (FIN or RST received, reset, closed, released). */
  boolean isReceiving() {
    return receiving;
  }

  // ---------------------------------------------------------------- application side: reading

  int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (len == 0) {
      return 0;
    }
    int n;
    long credit;
    lock.lock();
    try {
      long deadline = deadline(readTimeout);
      while (buffered == 0) {
        if (resetReason != null) {
          throw new StreamResetException(resetReason);
        }
        if (remoteFin) {
          return -1;
        }
        if (sessionClosed != null) {
          throw sessionClosed;
        }
        if (appClosed) {
          throw new IOException("stream closed");
        }
        if (!awaitUntil(readable, deadline)) {
          throw new SocketTimeoutException("read timed out");
        }
      }
      if (resetReason != null) {
        throw new StreamResetException(resetReason);
      }
      n = take(b, off, len);
      credit = creditAfterConsuming(n);
    } finally {
      lock.unlock();
    }
    if (credit > 0) {
      session.sendWindowUpdate(this, credit);
    }
    return n;
  }

  int available() {
    lock.lock();
    try {
      return buffered;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Returns how much window to give back now, or 0. hashicorp's rule: credit goes back once at
   * least half the window has been consumed, whether or not the peer still has window, so a sender
   * is not stalled for a round trip per window. None once the peer's FIN or RST has arrived.
   *
   * <p>One exception: after this side's FIN, the peer forgets the stream the moment it sends its
   * own FIN, and a credit crossing that FIN on the wire is logged by hashicorp as a frame for a
   * missing stream. So on a half-closed stream credit that the peer does not need yet (it still has
   * window) is held until it has used its window up ({@link #onDataStart}).
   */
  private long creditAfterConsuming(int n) {
    pendingCredit += n;
    if (remoteFin || resetReason != null || pendingCredit < windowTarget / 2) {
      return 0;
    }
    if (localFin && recvWindow > 0) {
      creditHeld = true;
      return 0;
    }
    return takeCredit();
  }

  /**
   * Window credit due now: the consumed bytes, plus growth if the stream is throughput-bound (used
   * its whole window within four round trips: doubled up to {@link Config#maxWindow()}, within the
   * session's memory budget).
   */
  private long takeCredit() {
    creditHeld = false;
    long delta = pendingCredit;
    long now = System.nanoTime();
    long rtt = session.rttNanos();
    int max = session.config().maxWindow();
    if (windowTarget < max && (rtt == 0 || now - epochStart < 4 * rtt)) {
      int grow = Math.min(windowTarget, max - windowTarget);
      if (session.reserveBudget(grow)) {
        windowTarget += grow;
        delta += grow;
      }
    }
    epochStart = now;
    recvWindow += delta;
    pendingCredit = 0;
    return delta;
  }

  // ---------------------------------------------------------------- application side: writing

  void write(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    long deadline = System.nanoTime() + writeTimeout.toNanos();
    lockForWrite(deadline);
    try {
      int maxFrame = session.config().maxFrameSize();
      while (len > 0) {
        int n = reserveSendWindow(Math.min(len, maxFrame), deadline);
        try {
          session.writer().data(id, b, off, n, deadline);
        } catch (SocketTimeoutException e) {
          resetWith(ResetReason.WRITE_TIMEOUT);
          throw e;
        }
        session.countBytesOut(n);
        off += n;
        len -= n;
      }
    } finally {
      writeLock.unlock();
    }
  }

  /** Takes up to {@code max} bytes of send window, waiting for it until {@code deadline}. */
  private int reserveSendWindow(int max, long deadline) throws IOException {
    lock.lock();
    try {
      if (sendWindow == 0) {
        session.countWindowStall();
      }
      while (sendWindow == 0) {
        ensureWritable();
        if (!awaitUntil(writable, deadline)) {
          break;
        }
      }
      if (sendWindow > 0) {
        ensureWritable();
        int n = (int) Math.min(max, sendWindow);
        sendWindow -= n;
        return n;
      }
    } finally {
      lock.unlock();
    }
    resetWith(ResetReason.WRITE_TIMEOUT);
    throw new SocketTimeoutException("write timed out waiting for send window");
  }

  private void ensureWritable() throws IOException {
    if (resetReason != null) {
      throw new StreamResetException(resetReason);
    }
    if (sessionClosed != null) {
      throw sessionClosed;
    }
    if (localFin) {
      throw new IOException("stream closed for writing");
    }
  }

  private void lockForWrite(long deadline) throws IOException {
    try {
      if (!writeLock.tryLock(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        throw new SocketTimeoutException("timed out waiting for another writer on this stream");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted");
    }
  }

  /** Half-close: sends FIN after everything written so far. Reading goes on. Idempotent. */
  public void closeWrite() throws IOException {
    long deadline = System.nanoTime() + writeTimeout.toNanos();
    lockForWrite(deadline);
    boolean finished;
    try {
      lock.lock();
      try {
        if (localFin || resetReason != null || sessionClosed != null) {
          return;
        }
        localFin = true;
        finished = remoteFin;
      } finally {
        lock.unlock();
      }
      session.writer().fin(id, deadline);
    } finally {
      writeLock.unlock();
    }
    if (finished) {
      release();
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
      if (appClosed) {
        return;
      }
      appClosed = true;
      if (resetReason != null || sessionClosed != null || released.get()) {
        return;
      }
      unread = buffered > 0;
      readable.signalAll();
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
      if (!remoteFin && !released.get()) {
        closeTimer =
            session.schedule(
                () -> resetWith(ResetReason.CLOSE_TIMEOUT), session.config().closeTimeout());
        return;
      }
    } finally {
      lock.unlock();
    }
    release();
  }

  /**
   * Aborts the stream in both directions: RST to the peer, errors for local readers and writers.
   */
  public void reset() {
    resetWith(ResetReason.LOCAL);
  }

  void resetWith(ResetReason reason) {
    lock.lock();
    try {
      if (resetReason != null || released.get()) {
        return;
      }
      resetReason = reason;
      receiving = false;
      dropBuffer();
      readable.signalAll();
      writable.signalAll();
    } finally {
      lock.unlock();
    }
    // Counted before it is sent: whoever sees the RST also sees it in the stats.
    session.countReset(reason);
    session.sendReset(id);
    release();
  }

  // ---------------------------------------------------------------- session (receiving) side

  void onAck() {
    if (ackSlotHeld.compareAndSet(true, false)) {
      session.releaseAckSlot();
    }
  }

  /**
   * A Data frame of {@code length} bytes starts: true if this stream keeps its payload (then passed
   * to {@link #onDataBytes} as it arrives), false if the payload is to be dropped. A frame larger
   * than the window left is the peer's protocol error, found before anything is allocated.
   */
  boolean onDataStart(long length) throws ProtocolException {
    ResetReason resetFor = null;
    long credit = 0;
    boolean keep = false;
    lock.lock();
    try {
      if (length > recvWindow) {
        throw new ProtocolException(
            "stream " + Integer.toUnsignedString(id) + " exceeded its receive window");
      }
      if (remoteFin) {
        resetFor = ResetReason.DATA_AFTER_FIN;
      } else if (appClosed) {
        resetFor = ResetReason.UNREAD_DATA;
      } else if (resetReason == null) {
        recvWindow -= length;
        ensureCapacity(buffered + length);
        credit = creditHeld && recvWindow == 0 ? takeCredit() : 0;
        keep = true;
      }
    } finally {
      lock.unlock();
    }
    if (credit > 0) {
      session.sendWindowUpdate(this, credit);
    }
    if (resetFor != null) {
      resetWith(resetFor);
    }
    return keep;
  }

  /** The next {@code len} payload bytes of the frame accepted by {@link #onDataStart}. */
  void onDataBytes(Transport.ByteSource bytes, int len) throws IOException {
    lock.lock();
    try {
      if (resetReason != null) {
        bytes.skip(len); // reset while the frame was arriving: its buffer is gone
        return;
      }
      int tail = (head + buffered) % ring.length;
      int first = Math.min(len, ring.length - tail);
      bytes.read(ring, tail, first);
      if (first < len) {
        bytes.read(ring, 0, len - first);
      }
      buffered += len;
      readable.signal();
    } finally {
      lock.unlock();
    }
  }

  void onWindowUpdate(long delta) throws ProtocolException {
    lock.lock();
    try {
      long next = sendWindow + delta;
      if (next > MAX_SEND_WINDOW) {
        throw new ProtocolException("send window overflow on stream " + id);
      }
      sendWindow = next;
      writable.signalAll();
    } finally {
      lock.unlock();
    }
  }

  void onRemoteFin() {
    boolean second;
    boolean finished = false;
    lock.lock();
    try {
      second = remoteFin;
      if (!second) {
        remoteFin = true;
        receiving = false;
        finished = localFin || appClosed;
        readable.signalAll();
      }
    } finally {
      lock.unlock();
    }
    if (second) {
      // hashicorp closes the whole session on a second FIN; resetting only this stream keeps one
      // buggy stream from killing the others.
      resetWith(ResetReason.DATA_AFTER_FIN);
    } else if (finished) {
      release();
    }
  }

  void onRemoteReset() {
    lock.lock();
    try {
      receiving = false;
      if (resetReason == null) {
        resetReason = ResetReason.REMOTE;
        dropBuffer();
      }
      readable.signalAll();
      writable.signalAll();
    } finally {
      lock.unlock();
    }
    session.countReset(ResetReason.REMOTE);
    release();
  }

  /**
   * The session ended: wake everyone; buffered data can still be read, then the cause is thrown.
   */
  void onSessionClosed(IOException cause) {
    lock.lock();
    try {
      if (sessionClosed == null) {
        sessionClosed = cause;
      }
      receiving = false;
      readable.signalAll();
      writable.signalAll();
    } finally {
      lock.unlock();
    }
    release();
  }

  /** Gives back every piece of session state this stream holds. Runs exactly once. */
  private void release() {
    if (!released.compareAndSet(false, true)) {
      return;
    }
    receiving = false;
    int target;
    lock.lock();
    try {
      if (closeTimer != null) {
        closeTimer.cancel(false);
        closeTimer = null;
      }
      target = windowTarget;
      readable.signalAll();
      writable.signalAll();
    } finally {
      lock.unlock();
    }
    if (ackSlotHeld.compareAndSet(true, false)) {
      session.releaseAckSlot();
    }
    session.streamReleased(this, target);
  }

  // ---------------------------------------------------------------- receive ring buffer

  private void ensureCapacity(long needed) {
    if (needed <= ring.length) {
      return;
    }
    int capacity =
        (int) Math.min(windowTarget, Math.max(needed, Math.max(MIN_RING, 2L * ring.length)));
    byte[] next = new byte[capacity];
    int first = Math.min(buffered, ring.length - head);
    System.arraycopy(ring, head, next, 0, first);
    System.arraycopy(ring, 0, next, first, buffered - first);
    ring = next;
    head = 0;
  }

  private int take(byte[] b, int off, int len) {
    int n = Math.min(len, buffered);
    int first = Math.min(n, ring.length - head);
    System.arraycopy(ring, head, b, off, first);
    System.arraycopy(ring, 0, b, off + first, n - first);
    head = (head + n) % ring.length;
    buffered -= n;
    if (buffered == 0) {
      head = 0;
    }
    return n;
  }

  private void dropBuffer() {
    ring = EMPTY;
    head = 0;
    buffered = 0;
  }

  // ---------------------------------------------------------------- helpers

  private static long deadline(Duration timeout) {
    return timeout == null || timeout.isZero() ? 0 : System.nanoTime() + timeout.toNanos();
  }

  /** Waits on {@code c}; false once {@code deadline} has passed. A zero deadline means no limit. */
  private static boolean awaitUntil(Condition c, long deadline) throws IOException {
    try {
      if (deadline == 0) {
        c.await();
        return true;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      c.awaitNanos(left);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted");
    }
  }

  @Override
  public String toString() {
    return "Stream[" + Integer.toUnsignedString(id) + (outbound ? " out" : " in") + "]";
  }

  private final class In extends InputStream {
    private final byte[] one = new byte[1];

    @Override
    public int read() throws IOException {
      return Stream.this.read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      return Stream.this.read(b, off, len);
    }

    @Override
    public int available() {
      return Stream.this.available();
    }

    @Override
    public void close() {
      Stream.this.close();
    }
  }

  private final class Out extends OutputStream {
    @Override
    public void write(int b) throws IOException {
      Stream.this.write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      Stream.this.write(b, off, len);
    }

    /** Closing the output half-closes the stream (FIN); reading goes on. */
    @Override
    public void close() throws IOException {
      Stream.this.closeWrite();
    }
  }
}
