package io.visiona.proxy.support;

import io.visiona.tunnel.Config;
import io.visiona.tunnel.Session;
import io.visiona.tunnel.Stream;
import io.visiona.tunnel.WebSocketTransport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/** The api-server's side of the relay link, as a test client. */
public final class RelayLinkClient implements AutoCloseable {

  /** Inline callbacks, as every tunnel client needs (see WebSocketTransport.newHttpClient). */
  private static final HttpClient HTTP = WebSocketTransport.newHttpClient();

  /** The proxy answered {@code error <code> <message>}. */
  public static final class Refused extends IOException {
    public final String code;

    Refused(String code, String message) {
      super(code + ": " + message);
      this.code = code;
    }
  }

  private final Session session;

  private RelayLinkClient(Session session) {
    this.session = session;
  }

  public static RelayLinkClient connect(URI link, Map<String, String> headers) throws IOException {
    return connect(link, headers, 40_000);
  }

  /**
   * @param sendBufferSize the most bytes of yamux frames batched into one WebSocket message
   */
  public static RelayLinkClient connect(URI link, Map<String, String> headers, int sendBufferSize)
      throws IOException {
    WebSocketTransport transport =
        WebSocketTransport.connect(
            HTTP, link, headers, Duration.ofSeconds(10), Duration.ofSeconds(30));
    return new RelayLinkClient(
        Session.client(
            transport,
            Config.builder()
                .sessionMemoryBudget(1L << 30)
                .maxFrameSize(16 << 10)
                .sendBufferSize(sendBufferSize)
                .build()));
  }

  public Session session() {
    return session;
  }

  /** Opens a relay stream to {@code device}; returns it once the proxy said ok. */
  public Stream open(String device) throws IOException {
    Stream s = session.openStream();
    s.outputStream().write(("device " + device + "\n").getBytes(StandardCharsets.US_ASCII));
    String answer = readLine(s.inputStream());
    if (answer.equals("ok")) {
      return s;
    }
    String[] parts = answer.split(" ", 3);
    s.close();
    if (parts.length >= 2 && parts[0].equals("error")) {
      throw new Refused(parts[1], parts.length > 2 ? parts[2] : "");
    }
    throw new IOException("unexpected answer: " + answer);
  }

  public static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0 && c != '\n') {
      line.write(c);
    }
    return line.toString(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    session.close();
  }
}
