package io.visiona.server.listener;

import io.helidon.webserver.WebServer;
import io.visiona.server.Observability;
import java.util.List;

/**
 * Run in a child JVM by {@link FileDescriptorLimitTest}: {@code limits} prints the open-file limit
 * the JVM runs with; {@code serve <max-tcp-connections>} starts a public listener with that limit
 * and an internal one with readiness, and prints both ports.
 */
public final class ChildServer {

  private ChildServer() {}

  public static void main(String[] args) throws Exception {
    if (args[0].equals("limits")) {
      OpenFileLimit l = OpenFileLimit.current().orElseThrow();
      System.out.println("LIMITS " + l.soft() + " " + l.hard());
      return;
    }
    ListenerProbe probe = new ListenerProbe();
    var b =
        WebServer.builder()
            .host("127.0.0.1")
            .port(0)
            .shutdownHook(false)
            .routing(r -> r.get("/hello", (req, res) -> res.send("hello")))
            .putSocket(
                "internal",
                l -> {
                  l.host("127.0.0.1").port(0);
                  ListenerSettings.internalDefaults(16).applyTo(l);
                })
            .addFeature(Observability.feature(List.of("internal"), List.of(probe.readiness())));
    ListenerSettings.publicDefaults(Integer.parseInt(args[1])).applyTo(b);
    WebServer server = b.build().start();
    probe
        .watch(server, WebServer.DEFAULT_SOCKET_NAME, "127.0.0.1")
        .watch(server, "internal", "127.0.0.1");
    System.out.println("PORTS " + server.port() + " " + server.port("internal"));
    System.out.flush();
    System.in.read(); // until the test closes our stdin
    server.stop();
  }
}
