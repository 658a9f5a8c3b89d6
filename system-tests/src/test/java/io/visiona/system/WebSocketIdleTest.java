package io.visiona.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.visiona.tunnel.pairing.DeviceIdentity;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A device WebSocket outlives the public listener's short HTTP idle timeout (it has its own), and
 * is ended once nothing moved on it for {@code api.devices.access.idle-timeout}.
 */
@Timeout(120)
class WebSocketIdleTest {

  @TempDir Path dir;

  @Test
  void aQuietConsoleOutlivesTheHttpIdleTimeoutAndEndsAfterItsOwn() throws Exception {
    try (TwoServers servers =
            TwoServers.start(
                dir,
                Map.of("http.http-idle-timeout", "PT1S", "devices.access.idle-timeout", "PT4S"));
        TestBox box = new TestBox()) {
      TwoServers.Person owner = servers.person("owner");
      try (TwoServers.Box paired =
          servers.pairedJavaBox(owner, "console", box.address().getPort())) {
        DeviceIdentity id = paired.identity();

        LinkedBlockingQueue<String> texts = new LinkedBlockingQueue<>(10);
        CountDownLatch closed = new CountDownLatch(1);
        WebSocket ws =
            HttpClient.newHttpClient()
                .newWebSocketBuilder()
                .header("Cookie", owner.cookie())
                .header("Origin", "http://127.0.0.1:" + servers.api.port())
                .buildAsync(
                    URI.create(
                        "ws://127.0.0.1:"
                            + servers.api.port()
                            + "/api/devices/"
                            + id.deviceId()
                            + "/agent/ws"),
                    new WebSocket.Listener() {
                      @Override
                      public CompletionStage<?> onText(
                          WebSocket w, CharSequence data, boolean last) {
                        texts.add(data.toString());
                        w.request(1);
                        return null;
                      }

                      @Override
                      public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
                        closed.countDown();
                        return null;
                      }

                      @Override
                      public void onError(WebSocket w, Throwable error) {
                        closed.countDown();
                      }
                    })
                .get(20, TimeUnit.SECONDS);
        long opened = System.nanoTime();
        // Quiet for three times the HTTP idle timeout: still open, and still echoing.
        await()
            .during(Duration.ofSeconds(3))
            .atMost(Duration.ofSeconds(5))
            .until(() -> closed.getCount() == 1);
        ws.sendText("still here", true).get(10, TimeUnit.SECONDS);
        assertThat(texts.poll(10, TimeUnit.SECONDS)).isEqualTo("still here");
        // Then quiet for longer than its own idle timeout: ended.
        assertThat(closed.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - opened))
            .isGreaterThanOrEqualTo(6);
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> servers.app.devices().relay().openStreams() == 0);
      }
    }
  }
}
