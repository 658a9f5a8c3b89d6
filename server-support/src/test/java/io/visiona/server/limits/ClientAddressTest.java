package io.visiona.server.limits;

import static io.visiona.server.limits.TrustedProxiesTest.ip;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ClientAddressTest {

  static final ClientAddress BEHIND_PROXIES =
      new ClientAddress(TrustedProxies.parse("10.0.0.0/8, 2001:db8:1::/48"));

  static String resolve(ClientAddress c, String peer, String... xff) {
    return c.resolve(ip(peer), List.of(xff)).getHostAddress();
  }

  @Test
  void withoutTrustedProxiesTheHeaderIsIgnored() {
    ClientAddress direct = new ClientAddress(TrustedProxies.none());
    assertThat(resolve(direct, "203.0.113.9", "198.51.100.1")).isEqualTo("203.0.113.9");
  }

  @Test
  void aSpoofedHeaderFromAnUntrustedPeerIsIgnored() {
    assertThat(resolve(BEHIND_PROXIES, "203.0.113.9", "198.51.100.1, 10.0.0.1"))
        .isEqualTo("203.0.113.9");
  }

  @Test
  void theRightMostAddressThatIsNoTrustedProxyIsTheClient() {
    assertThat(resolve(BEHIND_PROXIES, "10.0.0.2", "198.51.100.7")).isEqualTo("198.51.100.7");
    // the client wrote "1.2.3.4" itself; the proxies appended what they saw
    assertThat(resolve(BEHIND_PROXIES, "10.0.0.2", "1.2.3.4, 198.51.100.7, 10.0.0.3"))
        .isEqualTo("198.51.100.7");
  }

  @Test
  void severalHeaderLinesAreOneListInOrder() {
    assertThat(resolve(BEHIND_PROXIES, "10.0.0.2", "1.2.3.4", "198.51.100.7", "10.0.0.3"))
        .isEqualTo("198.51.100.7");
    assertThat(resolve(BEHIND_PROXIES, "10.0.0.2", "198.51.100.7, 10.9.9.9", "10.0.0.3"))
        .isEqualTo("198.51.100.7");
  }

  @Test
  void ipv6ClientsAndProxies() {
    assertThat(resolve(BEHIND_PROXIES, "2001:db8:1::2", "2001:db8:ffff::5, 2001:db8:1::9"))
        .isEqualTo("2001:db8:ffff:0:0:0:0:5");
    assertThat(resolve(BEHIND_PROXIES, "2001:db8:1::2", "[2001:db8:ffff::5]"))
        .isEqualTo("2001:db8:ffff:0:0:0:0:5");
    assertThat(resolve(BEHIND_PROXIES, "::ffff:10.0.0.2", "198.51.100.7"))
        .as("an IPv4-mapped peer is the IPv4 proxy")
        .isEqualTo("198.51.100.7");
  }

  @Test
  void noHeaderOrAnEmptyOneFromATrustedProxyLeavesThePeer() {
    assertThat(resolve(BEHIND_PROXIES, "10.0.0.2")).isEqualTo("10.0.0.2");
    assertThat(resolve(BEHIND_PROXIES, "10.0.0.2", "")).isEqualTo("10.0.0.2");
  }

  @Test
  void whenEveryHopIsTrustedTheLeftMostIsTheClient() {
    assertThat(resolve(BEHIND_PROXIES, "10.0.0.2", "10.0.0.7, 10.0.0.3")).isEqualTo("10.0.0.7");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "evil.example",
        "unknown",
        "_hidden",
        "198.51.100.7:4711",
        "999.1.1.1",
        "01.2.3.4",
        "fe80::1%eth0",
        "[198.51.100.7]",
        "<script>",
        "1.2.3.4 5.6.7.8"
      })
  void garbageStopsTheWalkAtTheLastTrustedHop(String garbage) {
    assertThat(resolve(BEHIND_PROXIES, "10.0.0.2", "198.51.100.1, " + garbage + ", 10.0.0.3"))
        .isEqualTo("10.0.0.3");
    assertThat(resolve(BEHIND_PROXIES, "10.0.0.2", garbage)).isEqualTo("10.0.0.2");
  }

  @Test
  void emptyEntriesBetweenCommasAreGarbageToo() {
    assertThat(resolve(BEHIND_PROXIES, "10.0.0.2", "198.51.100.1,,10.0.0.3")).isEqualTo("10.0.0.3");
  }

  @Test
  void onlyTheLastHopsAreLookedAt() {
    String manyProxies = String.join(",", Collections.nCopies(100, "10.0.0.9"));
    assertThat(resolve(BEHIND_PROXIES, "10.0.0.2", "198.51.100.1," + manyProxies))
        .isEqualTo("10.0.0.9");
  }

  @Test
  void ipv6AddressesAreCountedByTheirSlash64() {
    assertThat(ClientAddress.limitKey(ip("2001:db8:aa:bb:1::1")))
        .isEqualTo(ClientAddress.limitKey(ip("2001:db8:aa:bb:ffff::2")))
        .isEqualTo("2001:db8:aa:bb::/64");
    assertThat(ClientAddress.limitKey(ip("2001:db8:aa:bc::1")))
        .isNotEqualTo(ClientAddress.limitKey(ip("2001:db8:aa:bb::1")));
    assertThat(ClientAddress.limitKey(ip("198.51.100.7"))).isEqualTo("198.51.100.7");
  }
}
