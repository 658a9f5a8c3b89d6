package io.visiona.tunnel;

import static io.visiona.tunnel.FrameHeader.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FrameHeaderTest {

  private static final HexFormat HEX = HexFormat.of();

  /** Vectors written by hand from hashicorp/yamux spec.md: type, flags, stream id, wire bytes. */
  @ParameterizedTest
  @CsvSource({
    "0,1,1,       000000010000000100000000",
    "1,1,1,       000100010000000100040000",
    "1,2,2,       000100020000000200000007",
    "0,4,3,       000000040000000300000400",
    "0,8,5,       000000080000000500000000",
    "1,3,4294967295, 00010003ffffffff00000001",
    "2,1,0,       0002000100000000cafebabe",
    "2,2,0,       0002000200000000cafebabe",
    "3,0,0,       000300000000000000000000",
    "3,0,0,       000300000000000000000001",
    "3,0,0,       000300000000000000000002",
    "0,15,2,      0000000f00000002ffffffff",
  })
  void encodesAndDecodesSpecVectors(int type, int flags, long streamId, String hex)
      throws Exception {
    byte[] wire = HEX.parseHex(hex.strip());
    FrameHeader h = FrameHeader.decode(wire, 0);
    assertThat(h.type()).isEqualTo(type);
    assertThat(h.flags()).isEqualTo(flags);
    assertThat(Integer.toUnsignedLong(h.streamId())).isEqualTo(streamId);
    assertThat(h.toBytes()).isEqualTo(wire);
  }

  @ParameterizedTest
  @CsvSource({"0,0", "0,1", "0,2", "0,3", "1,0", "1,1", "2,2", "3,3"})
  void everyTypeAndFlagCombinationRoundTrips(int type, int ignored) throws Exception {
    for (int flags = 0; flags <= 0xf; flags++) {
      byte[] wire = new FrameHeader(type, flags, 0x7fff_fffe, 0x8000_0001).toBytes();
      FrameHeader back = FrameHeader.decode(wire, 0);
      assertThat(back).isEqualTo(new FrameHeader(type, flags, 0x7fff_fffe, 0x8000_0001));
      assertThat(back.unsignedLength()).isEqualTo(0x8000_0001L);
      assertThat(back.has(FLAG_SYN)).isEqualTo((flags & 1) != 0);
      assertThat(back.has(FLAG_RST)).isEqualTo((flags & 8) != 0);
    }
  }

  @ParameterizedTest
  @CsvSource({"010000000000000100000000", "ff0000000000000100000000"})
  void rejectsUnknownVersion(String hex) {
    assertThatThrownBy(() -> FrameHeader.decode(HEX.parseHex(hex), 0))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("version");
  }

  @ParameterizedTest
  @CsvSource({"000400000000000100000000", "00ff00000000000100000000"})
  void rejectsUnknownType(String hex) {
    assertThatThrownBy(() -> FrameHeader.decode(HEX.parseHex(hex), 0))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("type");
  }

  @ParameterizedTest
  @CsvSource({"0,Data", "1,WindowUpdate", "2,Ping", "3,GoAway"})
  void namesTypesForLogs(int type, String name) {
    assertThat(new FrameHeader(type, FLAG_SYN | FLAG_ACK, 3, 0).toString())
        .startsWith(name)
        .contains("SYN|ACK");
  }
}
