package io.visiona.demobox;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Closes connections whose write has been stuck longer than the limit. A blocking socket write has
 * no timeout of its own, so without this a client that stops reading an endless stream would keep
 * its connection (and its slot) forever.
 */
final class WriteWatchdog implements AutoCloseable {

  private final Duration limit;
  private final Set<Watched> watched = ConcurrentHashMap.newKeySet();
  private final CountDownLatch stop = new CountDownLatch(1);
  private final Thread thread;

  WriteWatchdog(Duration limit) {
    this.limit = limit;
    this.thread = Thread.ofVirtual().name("demo-box-write-watchdog").start(this::watch);
  }

  /** {@code out} of {@code socket}, watched until the stream is closed. */
  OutputStream watch(Socket socket, OutputStream out) {
    Watched w = new Watched(socket, out);
    watched.add(w);
    return w;
  }

  private void watch() {
    long period = Math.max(10, Math.min(1000, limit.toMillis() / 4));
    try {
      while (!stop.await(period, TimeUnit.MILLISECONDS)) {
        long now = System.nanoTime();
        for (Watched w : watched) {
          long since = w.writingSince;
          if (since != 0 && now - since > limit.toNanos()) {
            w.abort();
          }
        }
      }
    } catch (InterruptedException e) {
      // closing
    }
  }

  @Override
  public void close() throws InterruptedException {
    stop.countDown();
    thread.join();
  }

  private final class Watched extends FilterOutputStream {
    private final Socket socket;
    private volatile long writingSince;

    Watched(Socket socket, OutputStream out) {
      super(out);
      this.socket = socket;
    }

    @Override
    public void write(int b) throws IOException {
      writingSince = System.nanoTime();
      try {
        out.write(b);
      } finally {
        writingSince = 0;
      }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      writingSince = System.nanoTime();
      try {
        out.write(b, off, len);
      } finally {
        writingSince = 0;
      }
    }

    @Override
    public void flush() throws IOException {
      writingSince = System.nanoTime();
      try {
        out.flush();
      } finally {
        writingSince = 0;
      }
    }

    @Override
    public void close() throws IOException {
      watched.remove(this);
      super.close();
    }

    void abort() {
      watched.remove(this);
      try {
        socket.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }
}
