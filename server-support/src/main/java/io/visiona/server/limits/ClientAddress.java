package io.visiona.server.limits;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Who the client is, for per-address limits. The socket's peer, unless that peer is a {@link
 * TrustedProxies trusted proxy}: then {@code X-Forwarded-For} is read from the right (each proxy
 * appends the address it saw), skipping trusted proxies, and the first address that is not one is
 * the client. Everything left of it was written by the client and is ignored, so a spoofed header
 * changes nothing: from an untrusted peer the header is not read at all.
 *
 * <p>Several {@code X-Forwarded-For} header lines count as one list, in order. An entry that is not
 * an IP literal stops the walk: the client is then the last trusted address seen, so garbage can
 * neither pick an address nor mint fresh ones to escape a limit.
 */
public final class ClientAddress {

  /** At most this many entries are looked at, from the right. */
  static final int MAX_HOPS = 32;

  private final TrustedProxies trusted;

  public ClientAddress(TrustedProxies trusted) {
    this.trusted = trusted;
  }

  /** The client of a request on a Helidon listener. */
  public InetAddress of(ServerRequest req) {
    return resolve(peer(req), req.headers().all(HeaderNames.X_FORWARDED_FOR, List::of));
  }

  /**
   * The client, given the socket's peer and the {@code X-Forwarded-For} header lines (in the order
   * received).
   */
  public InetAddress resolve(InetAddress peer, List<String> forwardedFor) {
    InetAddress client = peer;
    if (!trusted.contains(peer)) {
      return client;
    }
    List<String> hops = entries(forwardedFor);
    for (int i = hops.size() - 1; i >= 0 && hops.size() - i <= MAX_HOPS; i--) {
      Optional<InetAddress> hop = IpLiteral.parse(hops.get(i));
      if (hop.isEmpty()) {
        return client;
      }
      client = hop.get();
      if (!trusted.contains(client)) {
        return client;
      }
    }
    return client; // every hop was a trusted proxy: the left-most one is as far as we can see
  }

  /**
   * The key to count an address under: IPv4 addresses as they are, IPv6 addresses by their /64
   * network, since one host usually has a whole /64 to pick addresses from.
   */
  public static String limitKey(InetAddress address) {
    byte[] a = address.getAddress();
    if (a.length == 4) {
      return address.getHostAddress();
    }
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 8; i += 2) {
      s.append(Integer.toHexString(((a[i] & 0xff) << 8) | (a[i + 1] & 0xff))).append(':');
    }
    return s.append(":/64").toString();
  }

  private static List<String> entries(List<String> headerLines) {
    List<String> out = new ArrayList<>();
    for (String line : headerLines) {
      for (String part : line.split(",", -1)) {
        out.add(part.trim());
      }
    }
    return out;
  }

  private static InetAddress peer(ServerRequest req) {
    SocketAddress a = req.remotePeer().address();
    if (a instanceof InetSocketAddress inet && inet.getAddress() != null) {
      return inet.getAddress();
    }
    throw new IllegalStateException("not an IP connection: " + a);
  }
}
