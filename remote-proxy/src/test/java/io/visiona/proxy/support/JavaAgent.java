package io.visiona.proxy.support;

import io.visiona.tunnel.Config;
import io.visiona.tunnel.Session;
import io.visiona.tunnel.Stream;
import io.visiona.tunnel.WebSocketTransport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;

/**
 * A field agent in Java: dials the proxy's tunnel endpoint with a bearer credential (JDK WebSocket
 * client + yamux client session) and splices every stream the proxy opens to a local TCP target.
 */
public final class JavaAgent implements AutoCloseable {

  /** Inline callbacks, as the edge agent has (see WebSocketTransport.newHttpClient). */
  private static final HttpClient HTTP = WebSocketTransport.newHttpClient();

  private final Session session;
  private final InetSocketAddress target;

  private JavaAgent(Session session, InetSocketAddress target) {
    this.session = session;
    this.target = target;
    Thread.ofVirtual().name("agent-accept").start(this::acceptLoop);
  }

  public static JavaAgent connect(URI tunnel, String credential, InetSocketAddress target)
      throws IOException {
    return connect(tunnel, credential, target, agentConfig());
  }

  public static JavaAgent connect(
      URI tunnel, String credential, InetSocketAddress target, Config config) throws IOException {
    WebSocketTransport transport =
        WebSocketTransport.connect(
            HTTP,
            tunnel,
            Map.of("Authorization", "Bearer " + credential),
            Duration.ofSeconds(10),
            Duration.ofSeconds(30));
    return new JavaAgent(Session.client(transport, config), target);
  }

  /** Small buffers, so that a thousand agents fit in one test JVM. */
  public static Config agentConfig() {
    return Config.builder().maxFrameSize(16 << 10).sendBufferSize(64 << 10).build();
  }

  public Session session() {
    return session;
  }

  private void acceptLoop() {
    try {
      while (true) {
        Stream s = session.acceptStream();
        Thread.ofVirtual().start(() -> serve(s));
      }
    } catch (IOException closed) {
      // session over
    }
  }

  private void serve(Stream stream) {
    try (Socket socket = new Socket()) {
      socket.connect(target, 5000);
      Thread up =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      copy(stream.inputStream(), socket.getOutputStream());
                      socket.shutdownOutput();
                    } catch (IOException e) {
                      stream.reset();
                      closeQuietly(socket);
                    }
                  });
      try {
        copy(socket.getInputStream(), stream.outputStream());
        stream.closeWrite();
      } catch (IOException e) {
        stream.reset();
      }
      up.join();
    } catch (IOException e) {
      stream.reset();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      stream.close();
    }
  }

  private static void copy(InputStream in, OutputStream out) throws IOException {
    byte[] buf = new byte[16 * 1024];
    int n;
    while ((n = in.read(buf)) >= 0) {
      out.write(buf, 0, n);
      out.flush();
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing
    }
  }

  @Override
  public void close() {
    session.close();
  }
}
