package io.visiona.proxy.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;

/**
 * A TCP service that reads the request head and answers with fixed bytes (or never), to give
 * forward/http malformed, oversized or missing responses.
 */
public final class ScriptedServer implements AutoCloseable {

  private final ServerSocket listener;
  private final byte[] answer;
  private final boolean silent;
  private final CountDownLatch release = new CountDownLatch(1);

  private ScriptedServer(byte[] answer, boolean silent) throws IOException {
    this.answer = answer;
    this.silent = silent;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().start(this::acceptLoop);
  }

  public static ScriptedServer answering(String raw) throws IOException {
    return new ScriptedServer(raw.getBytes(StandardCharsets.ISO_8859_1), false);
  }

  public static ScriptedServer answering(byte[] raw) throws IOException {
    return new ScriptedServer(raw, false);
  }

  /** Reads the request and never answers (until closed). */
  public static ScriptedServer silent() throws IOException {
    return new ScriptedServer(new byte[0], true);
  }

  private void acceptLoop() {
    try {
      while (true) {
        Socket s = listener.accept();
        Thread.ofVirtual().start(() -> serve(s));
      }
    } catch (IOException closed) {
      // stopped
    }
  }

  private void serve(Socket s) {
    try (s) {
      InputStream in = s.getInputStream();
      StringBuilder head = new StringBuilder();
      while (!head.toString().endsWith("\r\n\r\n")) {
        int c = in.read();
        if (c < 0) {
          return;
        }
        head.append((char) c);
      }
      if (silent) {
        release.await();
        return;
      }
      OutputStream out = s.getOutputStream();
      out.write(answer);
      out.flush();
    } catch (IOException e) {
      // peer gone
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public InetSocketAddress address() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort());
  }

  @Override
  public void close() throws IOException {
    release.countDown();
    listener.close();
  }
}
