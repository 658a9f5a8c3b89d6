/** yamux over WebSocket, wire-compatible with hashicorp/yamux, and the Java edge-agent runtime. */
module io.visiona.tunnel {
  requires java.net.http;

  exports io.visiona.tunnel;
  exports io.visiona.tunnel.agent;
  exports io.visiona.tunnel.pairing;
}
