package io.visiona.server.http1;

import static io.visiona.server.http1.ResponseHeadTest.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ResponseBodiesTest {

  private static String body(String response, boolean headRequest) throws IOException {
    InputStream in = bytes(response);
    ResponseHead head = ResponseHead.readFinal(in, 4096);
    try (InputStream body = ResponseBodies.open(head, in, headRequest, 1024)) {
      return new String(body.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  @Test
  void bodiesByTheirFraming() throws IOException {
    assertThat(body("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello, and more", false))
        .isEqualTo("hello");
    assertThat(body("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nmore", false)).isEmpty();
    assertThat(
            body(
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\n"
                    + "5\r\nhello\r\n0\r\n\r\nmore",
                false))
        .isEqualTo("hello");
    assertThat(body("HTTP/1.0 200 OK\r\n\r\nuntil the end", false)).isEqualTo("until the end");
    assertThat(
            body(
                "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok",
                false))
        .isEqualTo("ok");
  }

  @Test
  void noBodyForHeadRequests204And304() throws IOException {
    String[] answers = {
      "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
      "HTTP/1.1 200 OK\r\n\r\nhello",
    };
    for (String a : answers) {
      assertThat(body(a, true)).as(a).isEmpty();
      assertThat(ResponseBodies.bodiless(ResponseHead.read(bytes(a), 4096), true)).isTrue();
      assertThat(ResponseBodies.bodiless(ResponseHead.read(bytes(a), 4096), false)).isFalse();
    }
    for (String a :
        new String[] {
          "HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\nhello",
          "HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\nhello",
          "HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\nhello",
          "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\nframes",
        }) {
      assertThat(body(a, false)).as(a).isEmpty();
      assertThat(ResponseBodies.bodiless(ResponseHead.read(bytes(a), 4096), false)).isTrue();
    }
  }

  @Test
  void invalidContentLengthFailsOpen() throws IOException {
    InputStream in = bytes("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab");
    ResponseHead head = ResponseHead.read(in, 4096);
    assertThatThrownBy(() -> ResponseBodies.open(head, in, false, 1024))
        .isInstanceOf(MalformedHttpException.class);
  }

  @Test
  void fixedLengthEndingEarlyIsEof() throws IOException {
    InputStream body = new FixedLengthInputStream(bytes("abc"), 5);
    byte[] buf = new byte[10];
    assertThat(body.read(buf, 0, 10)).isEqualTo(3);
    assertThatThrownBy(() -> body.read(buf, 0, 10))
        .isInstanceOf(EOFException.class)
        .hasMessageContaining("2 bytes early");
    assertThatThrownBy(() -> body("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", false))
        .isInstanceOf(EOFException.class);
  }

  @Test
  void fixedLengthReadsNoFurtherThanItsLength() throws IOException {
    InputStream raw = bytes("abcdef");
    InputStream body = new FixedLengthInputStream(raw, 4);
    assertThat(body.read()).isEqualTo('a');
    assertThat(body.read(new byte[0], 0, 0)).isZero();
    assertThat(body.readAllBytes()).containsExactly('b', 'c', 'd');
    assertThat(body.read()).isEqualTo(-1);
    assertThat(raw.readAllBytes()).containsExactly('e', 'f');
    assertThat(new FixedLengthInputStream(bytes(""), 0).read()).isEqualTo(-1);
  }

  @Test
  void chunkedRoundTripWithRandomWrites() throws IOException {
    Random random = new Random(42);
    for (int round = 0; round < 50; round++) {
      ByteArrayOutputStream wire = new ByteArrayOutputStream();
      ByteArrayOutputStream sent = new ByteArrayOutputStream();
      ChunkedOutputStream out = new ChunkedOutputStream(wire);
      int writes = random.nextInt(20);
      for (int i = 0; i < writes; i++) {
        int kind = random.nextInt(4);
        if (kind == 0) {
          out.write(new byte[8], 3, 0); // an empty write must not end the body
        } else if (kind == 1) {
          int b = random.nextInt(256);
          out.write(b);
          sent.write(b);
        } else {
          byte[] data = new byte[random.nextInt(kind == 2 ? 64 : 70_000)];
          random.nextBytes(data);
          int off = data.length == 0 ? 0 : random.nextInt(data.length);
          int len = data.length - off;
          out.write(data, off, len);
          sent.write(data, off, len);
        }
      }
      out.finish();
      out.finish(); // once only
      byte[] trailing = {'n', 'e', 'x', 't'};
      wire.write(trailing);
      InputStream raw = new ByteArrayInputStream(wire.toByteArray());
      InputStream in = new ChunkedInputStream(raw, 0);
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      byte[] buf = new byte[1 + random.nextInt(100_000)];
      for (int n; (n = in.read(buf, 0, buf.length)) >= 0; ) {
        got.write(buf, 0, n);
      }
      assertThat(got.toByteArray()).as("round %d", round).isEqualTo(sent.toByteArray());
      assertThat(raw.readAllBytes()).isEqualTo(trailing);
    }
  }

  @Test
  void chunkedOutputFraming() throws IOException {
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    ChunkedOutputStream out = new ChunkedOutputStream(wire);
    out.write("hello, world!!".getBytes(StandardCharsets.US_ASCII));
    out.write(new byte[0]);
    out.write('x');
    out.flush();
    out.close();
    assertThat(wire.toString(StandardCharsets.US_ASCII))
        .isEqualTo("e\r\nhello, world!!\r\n1\r\nx\r\n");
    out.finish();
    assertThat(wire.toString(StandardCharsets.US_ASCII)).endsWith("x\r\n0\r\n\r\n");
    assertThatThrownBy(() -> out.write('y')).isInstanceOf(IOException.class);
  }
}
