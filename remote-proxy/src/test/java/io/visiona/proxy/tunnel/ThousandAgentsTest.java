package io.visiona.proxy.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.visiona.proxy.ProxySettings;
import io.visiona.proxy.support.JavaAgent;
import io.visiona.proxy.support.LocalHttpServer;
import io.visiona.proxy.support.MapAuthenticator;
import io.visiona.proxy.support.ProxyFixture;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A thousand agents on one proxy at once, each answering a forwarded request. */
@Timeout(120)
class ThousandAgentsTest {

  private static final int AGENTS = 1000;
  private static final int PARALLEL = 64;

  @Test
  void thousandAgentsConnectAndEachAnswers() throws Exception {
    MapAuthenticator auth = new MapAuthenticator();
    for (int i = 0; i < AGENTS; i++) {
      auth.add("cred-" + i, "dev-" + i);
    }
    List<JavaAgent> agents = new ArrayList<>();
    try (LocalHttpServer box = new LocalHttpServer("box");
        ProxyFixture f = new ProxyFixture(ProxySettings.loopback(), auth);
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      Semaphore slots = new Semaphore(PARALLEL);
      List<Future<JavaAgent>> connecting = new ArrayList<>();
      for (int i = 0; i < AGENTS; i++) {
        String credential = "cred-" + i;
        connecting.add(
            pool.submit(
                () -> {
                  slots.acquire();
                  try {
                    return JavaAgent.connect(f.tunnelUri(), credential, box.address());
                  } finally {
                    slots.release();
                  }
                }));
      }
      for (Future<JavaAgent> a : connecting) {
        agents.add(a.get());
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> f.proxy.registry().size() == AGENTS);
      JsonObject list =
          Json.createReader(new StringReader(f.get("/internal/sessions").body())).readObject();
      assertThat(list.getInt("total")).isEqualTo(AGENTS);

      List<Future<String>> answers = new ArrayList<>();
      for (int i = 0; i < AGENTS; i++) {
        String device = "dev-" + i;
        answers.add(
            pool.submit(
                () -> {
                  slots.acquire();
                  try {
                    String body = "hello " + device;
                    HttpResponse<String> r =
                        f.post(
                            "/internal/forward/http",
                            "{\"device_id\":\""
                                + device
                                + "\",\"method\":\"POST\",\"path\":\"/echo\",\"body\":\""
                                + Base64.getEncoder()
                                    .encodeToString(body.getBytes(StandardCharsets.UTF_8))
                                + "\"}");
                    JsonObject o = Json.createReader(new StringReader(r.body())).readObject();
                    return new String(
                        Base64.getDecoder().decode(o.getString("body")), StandardCharsets.UTF_8);
                  } finally {
                    slots.release();
                  }
                }));
      }
      for (int i = 0; i < AGENTS; i++) {
        assertThat(answers.get(i).get()).isEqualTo("hello dev-" + i);
      }
      agents.forEach(JavaAgent::close);
      await().atMost(Duration.ofSeconds(30)).until(() -> f.proxy.registry().size() == 0);
    } finally {
      agents.forEach(JavaAgent::close);
    }
  }
}
