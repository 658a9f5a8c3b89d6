package io.visiona.proxy.tunnel;

import io.helidon.http.Headers;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.ProxyProtocolData;
import io.helidon.webserver.http1.Http1ConnectionListener;
import io.visiona.server.limits.ClientAddress;
import io.visiona.server.limits.IpLiteral;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * The client address of the request being upgraded. Helidon 4.2 gives a {@code WsListener} no
 * access to the connection in {@code onHttpUpgrade}, but it reads a request's headers, calls the
 * HTTP/1 receive listeners and runs the upgrade on the same (connection) thread: this listener
 * notes the address there, and the upgrade reads it back.
 *
 * <p>The address is the PROXY protocol source when the listener has PROXY protocol on (a TCP load
 * balancer in front), else the socket's peer; {@code X-Forwarded-For} is not trusted here. It is
 * keyed like every per-address limit ({@link ClientAddress#limitKey}: IPv6 by its /64).
 */
public final class ClientAddresses implements Http1ConnectionListener {

  /** Address used when none was noted (the listener is not installed). */
  public static final String UNKNOWN = "unknown";

  private static final ThreadLocal<String> CURRENT = new ThreadLocal<>();

  @Override
  public void headers(ConnectionContext ctx, Headers headers) {
    CURRENT.set(address(ctx));
  }

  /** The client address of the request whose headers this thread read last. */
  public static String current() {
    String address = CURRENT.get();
    return address == null ? UNKNOWN : address;
  }

  private static String address(ConnectionContext ctx) {
    Optional<InetAddress> proxied =
        ctx.proxyProtocolData().map(ProxyProtocolData::sourceAddress).flatMap(IpLiteral::parse);
    if (proxied.isPresent()) {
      return ClientAddress.limitKey(proxied.get());
    }
    if (ctx.remotePeer().address() instanceof InetSocketAddress inet && inet.getAddress() != null) {
      return ClientAddress.limitKey(inet.getAddress());
    }
    return UNKNOWN;
  }
}
