package com.example.edge;

import io.visiona.tunnel.agent.AgentConfig;
import io.visiona.tunnel.agent.EdgeAgent;
import java.net.URI;

/**
 * A box's program that embeds the Visiona edge agent: it keeps the tunnel to the remote-proxy open
 * and serves the box's local web API (here 127.0.0.1:8080) through it. The README's "embedding the
 * Java edge agent" shows the region between the readme markers; ReadmeSnippetTest keeps them equal.
 *
 * <p>Run: {@code VISIONA_DEVICE_CREDENTIAL=... java -cp ... com.example.edge.EdgeAgentExample
 * wss://proxy.example.com/v1/tunnel}
 */
public final class EdgeAgentExample {

  private EdgeAgentExample() {}

  // readme:begin
  public static void main(String[] args) throws InterruptedException {
    URI proxyUri = URI.create(args.length > 0 ? args[0] : "wss://proxy.example.com/v1/tunnel");
    EdgeAgent agent = startAgent(proxyUri, System.getenv("VISIONA_DEVICE_CREDENTIAL"), 8080);
    Runtime.getRuntime().addShutdownHook(new Thread(agent::close));
    Thread.currentThread().join(); // the agent's threads are virtual: run until stopped
  }

  static EdgeAgent startAgent(URI proxyUri, String credential, int localApiPort) {
    AgentConfig config =
        AgentConfig.builder()
            .proxyUri(proxyUri) // ws:// or wss://, path /v1/tunnel
            .credential(credential) // sent as Authorization: Bearer <credential>
            .target("127.0.0.1", localApiPort) // the box's local web API
            .maxConcurrentStreams(256) // beyond, new streams are reset
            .build();
    EdgeAgent agent = new EdgeAgent(config);
    agent.addStateListener(state -> System.out.println("tunnel: " + state));
    agent.start(); // connects and serves in the background
    return agent;
  }
  // readme:end
}
