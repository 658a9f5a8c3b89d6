package io.visiona.server.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TrustedProxiesTest {

  static InetAddress ip(String s) {
    return IpLiteral.parse(s).orElseThrow();
  }

  @Test
  void exactAddressesAndBlocksOfBothFamilies() {
    TrustedProxies t =
        TrustedProxies.parse("10.0.0.5, 192.168.0.0/16,172.16.0.0/12, 2001:db8::/32, fd00::7");
    assertThat(t.contains(ip("10.0.0.5"))).isTrue();
    assertThat(t.contains(ip("10.0.0.6"))).isFalse();
    assertThat(t.contains(ip("192.168.255.1"))).isTrue();
    assertThat(t.contains(ip("192.169.0.1"))).isFalse();
    assertThat(t.contains(ip("172.31.255.255"))).isTrue(); // /12: 172.16-172.31
    assertThat(t.contains(ip("172.32.0.0"))).isFalse();
    assertThat(t.contains(ip("2001:db8:ffff::1"))).isTrue();
    assertThat(t.contains(ip("2001:db9::1"))).isFalse();
    assertThat(t.contains(ip("fd00::7"))).isTrue();
    assertThat(t.contains(ip("fd00::8"))).isFalse();
  }

  @Test
  void familiesDoNotMixButMappedIpv4IsIpv4() {
    TrustedProxies v4 = TrustedProxies.parse(List.of("0.0.0.0/0"));
    assertThat(v4.contains(ip("2001:db8::1"))).isFalse();
    assertThat(v4.contains(ip("::ffff:10.1.2.3"))).isTrue();
    TrustedProxies v6 = TrustedProxies.parse(List.of("::/0"));
    assertThat(v6.contains(ip("10.1.2.3"))).isFalse();
    assertThat(v6.contains(ip("::1"))).isTrue();
  }

  @Test
  void nothingIsTrustedByDefault() {
    assertThat(TrustedProxies.none().contains(ip("127.0.0.1"))).isFalse();
    assertThat(TrustedProxies.parse("").isEmpty()).isTrue();
    assertThat(TrustedProxies.parse(" , ").isEmpty()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "proxy.internal",
        "localhost",
        "10.0.0.256",
        "10.0.0.0/33",
        "2001:db8::/129",
        "10.0.0.0/",
        "10.0.0.0/x",
        "10.0.0.0/-1",
        "fe80::1%eth0",
        "10.0.0.1:8080"
      })
  void badEntriesAreRefusedWithTheirName(String entry) {
    assertThatThrownBy(() -> TrustedProxies.parse(List.of(entry)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(entry);
  }
}
