package io.visiona.tunnel;

/**
 * A stream's receive-side flow control: how much the peer may still send, how much consumed data is
 * owed back as credit, and when to send it. Not thread-safe: guarded by the stream's lock.
 *
 * <p>Invariant while the stream receives ({@link #invariantHolds}): {@code target == buffered +
 * arriving + owed + remaining}, i.e. the peer can never make the stream hold more than its window.
 */
final class ReceiveWindow {

  private final StreamHost host;
  private int target;
  private long remaining;
  private long arriving;
  private long owed;
  private boolean held;
  private long epochStart = System.nanoTime();

  ReceiveWindow(StreamHost host, int initialWindow) {
    this.host = host;
    this.target = initialWindow;
    this.remaining = initialWindow;
  }

  /** The window this stream has committed to (its share of the session's memory budget). */
  int target() {
    return target;
  }

  /** Whether a Data frame of {@code length} bytes fits the window the peer was given. */
  boolean admits(long length) {
    return length <= remaining;
  }

  /** A Data frame of {@code length} (admitted) bytes starts arriving. */
  void frameStarted(long length) {
    remaining -= length;
    arriving += length;
  }

  /** {@code n} bytes of the frame being received have been buffered. */
  void arrived(int n) {
    arriving -= n;
  }

  /**
   * The application consumed {@code n} bytes: returns the credit to send now, or 0.
   *
   * <p>hashicorp's rule: credit goes back once at least half the window has been consumed, whether
   * or not the peer still has window, so a sender is not stalled for a round trip per window. None
   * once the peer has finished ({@code peerFinished}: FIN or RST arrived). After this side's FIN
   * ({@code weFinished}) the peer forgets the stream the moment it sends its own FIN, and hashicorp
   * logs a credit crossing that FIN as a frame for a missing stream; so there credit the peer does
   * not need yet (it still has window) is held until it has used its window up ({@link
   * #heldCreditDue}).
   */
  long consumed(int n, boolean peerFinished, boolean weFinished) {
    owed += n;
    if (peerFinished || owed < target / 2) {
      return 0;
    }
    if (weFinished && remaining > 0) {
      held = true;
      return 0;
    }
    return takeCredit();
  }

  /** Held credit that is due now that the peer has used its window up, or 0. */
  long heldCreditDue() {
    return held && remaining == 0 ? takeCredit() : 0;
  }

  /**
   * The credit owed, plus growth if the stream is throughput-bound (it used its whole window within
   * four round trips: doubled, up to {@link Config#maxWindow()}, within the memory budget).
   */
  private long takeCredit() {
    held = false;
    long delta = owed;
    long now = System.nanoTime();
    long rtt = host.rttNanos();
    int max = host.config().maxWindow();
    if (target < max && (rtt == 0 || now - epochStart < 4 * rtt)) {
      int grow = Math.min(target, max - target);
      if (host.reserveWindow(grow)) {
        target += grow;
        delta += grow;
      }
    }
    epochStart = now;
    remaining += delta;
    owed = 0;
    return delta;
  }

  /** The flow-control invariant, given the bytes buffered and unread. */
  boolean invariantHolds(int buffered) {
    return arriving >= 0
        && owed >= 0
        && remaining >= 0
        && target <= Math.max(host.config().maxWindow(), host.config().initialWindow())
        && target == buffered + arriving + owed + remaining;
  }

  @Override
  public String toString() {
    return "window[target=%d remaining=%d arriving=%d owed=%d held=%b]"
        .formatted(target, remaining, arriving, owed, held);
  }
}
