package io.visiona.proxy.bench;

import io.visiona.proxy.ProxyServer;
import io.visiona.proxy.ProxySettings;
import io.visiona.proxy.auth.AgentIdentity;
import io.visiona.proxy.support.ProxyFixture;
import io.visiona.server.Lifecycle;
import java.time.Clock;
import java.util.Optional;

/**
 * The proxy alone in its own JVM, for heap measurements: every credential {@code dev-N} is device
 * {@code dev-N}. Prints {@code PORTS <tunnel> <internal>} and runs until killed.
 */
public final class BenchProxy {

  private BenchProxy() {}

  public static void main(String[] args) throws InterruptedException {
    ProxySettings settings = ProxySettings.loopback();
    ProxyServer proxy =
        ProxyServer.create(
                settings,
                new Lifecycle(),
                credential ->
                    credential.startsWith("dev-")
                        ? Optional.of(new AgentIdentity(credential, "bench"))
                        : Optional.empty(),
                ProxyFixture.verifying(settings, Clock.systemUTC()))
            .start();
    System.out.println("PORTS " + proxy.tunnelPort() + " " + proxy.internalPort());
    System.out.flush();
    Thread.currentThread().join();
  }
}
