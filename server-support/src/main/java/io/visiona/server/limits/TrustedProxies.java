package io.visiona.server.limits;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The reverse proxies whose {@code X-Forwarded-For} may be believed: exact addresses ({@code
 * 10.0.0.5}, {@code 2001:db8::5}) and CIDR blocks ({@code 10.0.0.0/8}, {@code 2001:db8::/32}), IPv4
 * and IPv6. An IPv4 entry never matches an IPv6 address and vice versa, except that IPv4-mapped
 * IPv6 addresses ({@code ::ffff:10.0.0.5}) are read as IPv4.
 */
public final class TrustedProxies {

  private static final TrustedProxies NONE = new TrustedProxies(List.of());

  private final List<Block> blocks;

  private TrustedProxies(List<Block> blocks) {
    this.blocks = List.copyOf(blocks);
  }

  /** Nobody is trusted: the client address is always the socket's peer. */
  public static TrustedProxies none() {
    return NONE;
  }

  /**
   * Parses entries such as {@code 10.0.0.5} or {@code 10.0.0.0/8}; blank entries are ignored.
   *
   * @throws IllegalArgumentException naming the first entry that is not an address or block
   */
  public static TrustedProxies parse(List<String> entries) {
    List<Block> blocks = new ArrayList<>();
    for (String raw : entries) {
      String e = raw.trim();
      if (!e.isEmpty()) {
        blocks.add(Block.parse(e));
      }
    }
    return new TrustedProxies(blocks);
  }

  /** Parses a comma-separated list (the form configuration files use). */
  public static TrustedProxies parse(String commaSeparated) {
    return parse(Arrays.asList(commaSeparated.split(",")));
  }

  public boolean isEmpty() {
    return blocks.isEmpty();
  }

  public boolean contains(InetAddress address) {
    byte[] a = address.getAddress();
    for (Block b : blocks) {
      if (b.contains(a)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return blocks.toString();
  }

  private record Block(byte[] network, int prefixBits, String text) {

    static Block parse(String entry) {
      int slash = entry.indexOf('/');
      String addr = slash < 0 ? entry : entry.substring(0, slash);
      InetAddress ip =
          IpLiteral.parse(addr)
              .orElseThrow(() -> bad(entry, "not an IP address (host names are not allowed)"));
      byte[] network = ip.getAddress();
      int max = network.length * 8;
      int prefix = max;
      if (slash >= 0) {
        String p = entry.substring(slash + 1);
        if (!p.matches("\\d{1,3}")) {
          throw bad(entry, "the prefix length is not a number");
        }
        prefix = Integer.parseInt(p);
        if (prefix > max || (ip.getAddress().length == 4 && addr.contains(":"))) {
          throw bad(entry, "the prefix length is out of range for this address family");
        }
      }
      return new Block(network, prefix, entry);
    }

    boolean contains(byte[] a) {
      if (a.length != network.length) {
        return false;
      }
      int full = prefixBits / 8;
      for (int i = 0; i < full; i++) {
        if (a[i] != network[i]) {
          return false;
        }
      }
      int rest = prefixBits % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (a[full] & mask) == (network[full] & mask);
    }

    private static IllegalArgumentException bad(String entry, String why) {
      return new IllegalArgumentException("trusted proxy \"" + entry + "\": " + why);
    }

    @Override
    public String toString() {
      return text;
    }
  }
}
