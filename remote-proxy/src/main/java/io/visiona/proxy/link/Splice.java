package io.visiona.proxy.link;

import io.visiona.tunnel.Stream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Copies two yamux streams into each other, byte for byte, one virtual thread per direction.
 * Backpressure is end to end: a copier only reads when its last write was taken, and writes wait
 * for the receiving stream's window. End of input becomes a half-close on the other side; an error
 * or reset on either side resets both.
 */
final class Splice {

  private static final int BUFFER = 16 * 1024;

  private Splice() {}

  /** Runs until both directions are done, then releases both streams. */
  static void run(Stream a, Stream b) {
    Thread back = Thread.ofVirtual().name("splice-" + b.id()).start(() -> pump(b, a));
    pump(a, b);
    try {
      back.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      a.reset();
      b.reset();
    }
    a.close();
    b.close();
  }

  static void pump(Stream from, Stream to) {
    byte[] buf = new byte[BUFFER];
    InputStream in = from.inputStream();
    OutputStream out = to.outputStream();
    try {
      int n;
      while ((n = in.read(buf)) >= 0) {
        out.write(buf, 0, n);
      }
      to.closeWrite();
    } catch (IOException e) {
      from.reset();
      to.reset();
    }
  }
}
