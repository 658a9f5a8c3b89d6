package io.visiona.server.limits;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Parses an IPv4 or IPv6 address literal, and nothing else: never a host name, so parsing never
 * does a DNS lookup (which {@link InetAddress#getByName} would do for anything that is not a
 * literal). Accepted forms: {@code 192.0.2.1}, {@code 2001:db8::1}, {@code [2001:db8::1]}, {@code
 * ::ffff:192.0.2.1} (read as the IPv4 address). Zone ids and ports are refused.
 */
public final class IpLiteral {

  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

  private IpLiteral() {}

  public static Optional<InetAddress> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    String s = text.trim();
    if (s.length() > 2 && s.charAt(0) == '[' && s.charAt(s.length() - 1) == ']') {
      s = s.substring(1, s.length() - 1);
      if (!s.contains(":")) {
        return Optional.empty(); // brackets are for IPv6 only
      }
    }
    if (IPV4.matcher(s).matches()) {
      return ipv4(s);
    }
    if (s.contains(":") && IPV6.matcher(s).matches()) {
      try {
        return Optional.of(InetAddress.getByName(s)); // a literal (has ':'): no lookup
      } catch (UnknownHostException | RuntimeException e) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  private static Optional<InetAddress> ipv4(String s) {
    String[] parts = s.split("\\.");
    byte[] b = new byte[4];
    for (int i = 0; i < 4; i++) {
      int v = Integer.parseInt(parts[i]);
      if (v > 255 || (parts[i].length() > 1 && parts[i].charAt(0) == '0')) {
        return Optional.empty(); // out of range, or a leading zero (octal in some parsers)
      }
      b[i] = (byte) v;
    }
    try {
      return Optional.of(InetAddress.getByAddress(b));
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }
}
