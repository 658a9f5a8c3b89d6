package io.visiona.proxy.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.visiona.proxy.ProxySettings;
import io.visiona.proxy.support.MapAuthenticator;
import io.visiona.proxy.support.ProxyFixture;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The WebSocket side of a tunnel, frame by frame, with the JDK client as the agent. */
@Timeout(60)
class InboundFramesTest {

  /** A yamux ping (SYN, opaque 7); the session answers with the same ping, ACK. */
  private static final byte[] YAMUX_PING = {0, 2, 0, 1, 0, 0, 0, 0, 0, 0, 0, 7};

  private ProxyFixture f;

  @BeforeEach
  void start() {
    f = new ProxyFixture(ProxySettings.loopback(), new MapAuthenticator().add("c", "d"));
  }

  @AfterEach
  void stop() {
    f.close();
  }

  /** What the proxy sent: binary payloads, "pong:..." and "close:code". */
  private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();

  private WebSocket connect() throws Exception {
    WebSocket ws =
        f.rawTunnel(
            "c",
            new WebSocket.Listener() {
              @Override
              public CompletionStage<?> onBinary(WebSocket w, ByteBuffer data, boolean last) {
                byte[] b = new byte[data.remaining()];
                data.get(b);
                if (!(b.length == 12 && b[1] == 2 && b[3] == 1)) {
                  events.add(b); // not the session's own keepalive ping
                }
                w.request(1);
                return null;
              }

              @Override
              public CompletionStage<?> onPong(WebSocket w, ByteBuffer data) {
                events.add("pong:" + java.nio.charset.StandardCharsets.UTF_8.decode(data));
                w.request(1);
                return null;
              }

              @Override
              public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
                events.add("close:" + code);
                return null;
              }

              @Override
              public void onError(WebSocket w, Throwable error) {
                events.add("error");
              }
            });
    await().until(() -> f.proxy.registry().size() == 1);
    return ws;
  }

  private Object next() throws InterruptedException {
    Object e = events.poll(10, TimeUnit.SECONDS);
    assertThat(e).as("an event from the proxy").isNotNull();
    return e;
  }

  @Test
  void fragmentedMessagesAndInterleavedPings() throws Exception {
    WebSocket ws = connect();
    ws.sendBinary(ByteBuffer.wrap(YAMUX_PING, 0, 5), false).get(5, TimeUnit.SECONDS);
    ws.sendPing(ByteBuffer.wrap("hi".getBytes())).get(5, TimeUnit.SECONDS);
    ws.sendBinary(ByteBuffer.wrap(YAMUX_PING, 5, 7), true).get(5, TimeUnit.SECONDS);
    assertThat(next()).isEqualTo("pong:hi");
    byte[] ack = (byte[]) next();
    assertThat(ack).containsExactly(0, 2, 0, 2, 0, 0, 0, 0, 0, 0, 0, 7);
    assertThat(f.proxy.registry().size()).isEqualTo(1);
  }

  @Test
  void closeFrameIsAnsweredAndEndsTheTunnel() throws Exception {
    WebSocket ws = connect();
    ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
    assertThat(next()).isEqualTo("close:1000");
    await().atMost(Duration.ofSeconds(10)).until(() -> f.proxy.registry().size() == 0);
  }

  @Test
  void textMessageEndsTheTunnel() throws Exception {
    WebSocket ws = connect();
    ws.sendText("hello", true).get(5, TimeUnit.SECONDS);
    assertThat(next()).isEqualTo("close:" + io.helidon.websocket.WsCloseCodes.CANNOT_ACCEPT);
    await().atMost(Duration.ofSeconds(10)).until(() -> f.proxy.registry().size() == 0);
  }
}
