package io.visiona.proxy.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.helidon.common.buffers.DataReader;
import io.helidon.websocket.WsCloseCodes;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class ClientFramesTest {

  /** The wire bytes in reads of {@code chunk} bytes, then end of input. */
  private static DataReader reader(byte[] wire, int chunk) {
    int[] pos = {0};
    Supplier<byte[]> reads =
        () -> {
          if (pos[0] >= wire.length) {
            return null;
          }
          int n = Math.min(chunk, wire.length - pos[0]);
          byte[] b = Arrays.copyOfRange(wire, pos[0], pos[0] + n);
          pos[0] += n;
          return b;
        };
    return new DataReader(reads);
  }

  private static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void decodesPayloadsOfEveryLengthEncodingAcrossReadBoundaries() throws Exception {
    int[] sizes = {0, 1, 3, 7, 8, 9, 125, 126, 127, 65_535, 65_536, 100_003};
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    for (int size : sizes) {
      wire.writeBytes(FrameDecodeBench.frame(0x2, true, random(size, size), 0x9A3C_51E7 + size));
    }
    for (int chunk : new int[] {1, 5, 8192}) {
      DataReader reader = reader(wire.toByteArray(), chunk);
      for (int size : sizes) {
        ClientFrames.Header h = ClientFrames.readHeader(reader, Integer.MAX_VALUE);
        assertThat(h.opCode()).isEqualTo(ClientFrames.BINARY);
        assertThat(h.fin()).isTrue();
        assertThat(h.length()).isEqualTo(size);
        byte[] got = new byte[size];
        // in uneven pieces, as the transport asks for them: the key must follow the position
        int done = 0;
        int piece = 1;
        while (done < size) {
          int n = Math.min(piece, size - done);
          ClientFrames.readPayload(reader, got, done, n, h.mask(), done);
          done += n;
          piece = piece * 3 + 1;
        }
        assertThat(got).as("size %d, reads of %d", size, chunk).isEqualTo(random(size, size));
      }
    }
  }

  @Test
  void bufferedNeverExceedsTheFrame() throws Exception {
    byte[] one = FrameDecodeBench.frame(0x2, true, random(10, 1), 7);
    byte[] two = FrameDecodeBench.frame(0x2, true, random(10, 2), 8);
    byte[] wire = Arrays.copyOf(one, one.length + two.length);
    System.arraycopy(two, 0, wire, one.length, two.length);
    DataReader reader = reader(wire, 8192);
    ClientFrames.Header h = ClientFrames.readHeader(reader, 100);
    assertThat(ClientFrames.buffered(reader, h.length())).isEqualTo(10);
  }

  @Test
  void controlFrames() throws Exception {
    byte[] wire = FrameDecodeBench.frame(0x9, true, "hello".getBytes(), 0x01020304);
    DataReader reader = reader(wire, 3);
    ClientFrames.Header h = ClientFrames.readHeader(reader, 125);
    assertThat(h.opCode()).isEqualTo(ClientFrames.PING);
    assertThat(new String(ClientFrames.readSmallPayload(reader, h))).isEqualTo("hello");
  }

  @Test
  void refusesWhatTheProtocolForbids() {
    byte[] unmasked = {(byte) 0x82, 0x01, 0x00};
    byte[] reserved = FrameDecodeBench.frame(0x2, true, new byte[1], 1);
    reserved[0] |= 0x40;
    byte[] badOpCode = FrameDecodeBench.frame(0x3, true, new byte[1], 1);
    byte[] bigPing = FrameDecodeBench.frame(0x9, true, new byte[126], 1);
    byte[] fragmentedPing = FrameDecodeBench.frame(0x9, false, new byte[1], 1);
    byte[] tooBig = FrameDecodeBench.frame(0x2, true, new byte[1001], 1);
    assertRefused(unmasked, WsCloseCodes.PROTOCOL_ERROR);
    assertRefused(reserved, WsCloseCodes.PROTOCOL_ERROR);
    assertRefused(badOpCode, WsCloseCodes.PROTOCOL_ERROR);
    assertRefused(bigPing, WsCloseCodes.PROTOCOL_ERROR);
    assertRefused(fragmentedPing, WsCloseCodes.PROTOCOL_ERROR);
    assertRefused(tooBig, WsCloseCodes.TOO_BIG);
  }

  private static void assertRefused(byte[] wire, int code) {
    assertThatThrownBy(() -> ClientFrames.readHeader(reader(wire, 8192), 1000))
        .isInstanceOfSatisfying(
            ClientFrames.ProtocolException.class, e -> assertThat(e.closeCode()).isEqualTo(code));
  }

  @Test
  void unmaskMatchesTheDefinition() {
    int mask = 0xA1B2C3D4;
    byte[] key = {(byte) 0xA1, (byte) 0xB2, (byte) 0xC3, (byte) 0xD4};
    for (int position = 0; position < 4; position++) {
      for (int len = 0; len < 40; len++) {
        byte[] data = random(len + 3, len);
        byte[] expected = data.clone();
        for (int i = 0; i < len; i++) {
          expected[3 + i] ^= key[(position + i) & 3];
        }
        ClientFrames.unmask(data, 3, len, mask, position);
        assertThat(data).isEqualTo(expected);
      }
    }
  }
}
