package io.visiona.tunnel;

import java.io.IOException;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The sending half of {@link BlockingWebSocketTransport}: masked client frames (RFC 6455 §5.3),
 * masked eight bytes at a time while copied into one send buffer, so a message of up to 64 KiB
 * leaves in one socket write. Frames never interleave: one lock covers each frame (a binary write
 * holds it for all of its messages).
 */
final class WebSocketFrameWriter {

  /** Send buffer: a message of up to this much payload leaves in one socket write. */
  private static final int WRITE_BUFFER = 64 * 1024;

  private static final int MAX_HEADER = 14;

  private static final SecureRandom SEED = new SecureRandom();

  private final OutputStream out;
  private final int maxMessageSize;

  // Under lock: the send buffer (allocated at the first write) and the masking keys.
  private final ReentrantLock lock = new ReentrantLock();
  private byte[] sendBuf;
  private final byte[] keys = new byte[256];
  private int keyPos = keys.length;

  /** {@link System#nanoTime()} when the write in progress started (never 0), or 0. */
  private volatile long writeStarted;

  WebSocketFrameWriter(OutputStream out, int maxMessageSize) {
    this.out = out;
    this.maxMessageSize = maxMessageSize;
  }

  /**
   * Writes {@code len} bytes as binary messages of at most the maximum message size; {@code
   * progress} runs after each socket write (at most 64 KiB of payload).
   */
  void binary(byte[] data, int off, int len, Runnable progress) throws IOException {
    lock.lock();
    try {
      for (int end = off + len; off < end; ) {
        int n = Math.min(end - off, maxMessageSize);
        writeFrame(WebSocketFrameReader.OP_BINARY, data, off, n, progress);
        off += n;
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Writes a control frame. {@code wait}: wait for a frame being written (the reader answering the
   * server); otherwise send nothing if one is (a local close must not hang behind a stuck write).
   */
  void control(int opcode, byte[] payload, int off, int len, boolean wait) throws IOException {
    if (wait) {
      lock.lock();
    } else if (!lock.tryLock()) {
      return;
    }
    try {
      writeFrame(opcode, payload, off, len, () -> {});
    } finally {
      lock.unlock();
    }
  }

  /** {@link System#nanoTime()} when the write in progress started, or 0 when none is. */
  long writeStartedNanos() {
    return writeStarted;
  }

  /** Writes one masked frame; the caller holds the lock. */
  private void writeFrame(int opcode, byte[] data, int off, int len, Runnable progress)
      throws IOException {
    byte[] b = sendBuf;
    if (b == null) {
      b = sendBuf = new byte[MAX_HEADER + WRITE_BUFFER];
    }
    int key = nextKey();
    int h = header(b, opcode, len, key);
    long now = System.nanoTime();
    writeStarted = now == 0 ? 1 : now;
    try {
      int done = 0;
      do {
        int n = Math.min(len - done, b.length - h);
        WebSocketMask.mask(data, off + done, b, h, n, key, done);
        out.write(b, 0, h + n);
        progress.run();
        done += n;
        h = 0;
      } while (done < len);
    } finally {
      writeStarted = 0;
    }
  }

  private static int header(byte[] b, int opcode, int len, int key) {
    b[0] = (byte) (0x80 | opcode);
    int i;
    if (len < 126) {
      b[1] = (byte) (0x80 | len);
      i = 2;
    } else if (len < 65536) {
      b[1] = (byte) (0x80 | 126);
      b[2] = (byte) (len >>> 8);
      b[3] = (byte) len;
      i = 4;
    } else {
      b[1] = (byte) (0x80 | 127);
      for (int j = 0; j < 8; j++) {
        b[2 + j] = (byte) ((long) len >>> (56 - 8 * j));
      }
      i = 10;
    }
    b[i] = (byte) (key >>> 24);
    b[i + 1] = (byte) (key >>> 16);
    b[i + 2] = (byte) (key >>> 8);
    b[i + 3] = (byte) key;
    return i + 4;
  }

  /** A fresh masking key from a strong source, drawn 64 at a time. Under the lock. */
  private int nextKey() {
    if (keyPos == keys.length) {
      SEED.nextBytes(keys);
      keyPos = 0;
    }
    int k =
        (keys[keyPos] & 0xff) << 24
            | (keys[keyPos + 1] & 0xff) << 16
            | (keys[keyPos + 2] & 0xff) << 8
            | (keys[keyPos + 3] & 0xff);
    keyPos += 4;
    return k;
  }
}
