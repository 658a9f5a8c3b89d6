package com.example.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.visiona.tunnel.Session;
import io.visiona.tunnel.Stream;
import io.visiona.tunnel.agent.AgentState;
import io.visiona.tunnel.agent.EdgeAgent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The example's agent, against a proxy and a local API on real sockets. */
class EdgeAgentExampleTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  @Test
  void aStreamTheProxyOpensReachesTheBoxsLocalApi() throws Exception {
    try (LocalApi api = new LocalApi();
        TestProxy proxy = new TestProxy()) {
      EdgeAgent agent = EdgeAgentExample.startAgent(proxy.uri(), "device-credential-1", api.port());
      try {
        assertEquals("Bearer device-credential-1", proxy.nextAuthorization(WAIT));
        Session tunnel = proxy.nextSession(WAIT);

        try (Stream stream = tunnel.openStream()) {
          stream.setReadTimeout(WAIT);
          stream
              .outputStream()
              .write("GET /status HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
          stream.closeWrite();
          String reply = new String(stream.inputStream().readAllBytes(), StandardCharsets.US_ASCII);

          assertEquals("HTTP/1.0 200 OK\r\n\r\nbox saw: GET /status HTTP/1.0\r\n\r\n", reply);
        }
        assertEquals(AgentState.CONNECTED, agent.state());
      } finally {
        agent.close();
      }
    }
  }
}
