package io.visiona.server.http1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResponseHeadTest {

  private static final int BUDGET = 8 * 1024;

  static InputStream bytes(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.ISO_8859_1));
  }

  private static ResponseHead read(String s) throws IOException {
    return ResponseHead.read(bytes(s), BUDGET);
  }

  private static MalformedHttpException malformed(String s) {
    return malformed(s, BUDGET);
  }

  private static MalformedHttpException malformed(String s, int budget) {
    Throwable t = catchThrowable(() -> ResponseHead.read(bytes(s), budget));
    assertThat(t).as(s).isInstanceOf(MalformedHttpException.class);
    return (MalformedHttpException) t;
  }

  @Test
  void statusReasonAndHeadersInOrder() throws IOException {
    InputStream in =
        bytes("HTTP/1.1 404 Not Found Here\r\nX-A: 1\r\nx-b:two  \r\nX-A:\t3\r\n\r\nbody");
    ResponseHead head = ResponseHead.read(in, BUDGET);
    assertThat(head.status()).isEqualTo(404);
    assertThat(head.reason()).isEqualTo("Not Found Here");
    assertThat(head.headers())
        .containsExactly(
            new HttpHeader("X-A", "1"), new HttpHeader("x-b", "two"), new HttpHeader("X-A", "3"));
    assertThat(head.first("x-a")).contains("1");
    assertThat(head.first("X-B")).contains("two");
    assertThat(head.first("X-C")).isEmpty();
    assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII))
        .as("the head is read up to its blank line, not further")
        .isEqualTo("body");
  }

  @Test
  void statusLineWithoutReason() throws IOException {
    assertThat(read("HTTP/1.1 204\r\n\r\n").reason()).isEmpty();
    assertThat(read("HTTP/1.1 204\r\n\r\n").status()).isEqualTo(204);
    assertThat(read("HTTP/1.0 200 \r\n\r\n").reason()).isEmpty();
  }

  @Test
  void bareLineFeedsAreAccepted() throws IOException {
    ResponseHead head = read("HTTP/1.1 200 OK\nContent-Length: 3\n\n");
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.reason()).isEqualTo("OK");
    assertThat(head.contentLength()).contains(3L);
  }

  @Test
  void noHeaders() throws IOException {
    assertThat(read("HTTP/1.1 200 OK\r\n\r\n").headers()).isEmpty();
  }

  @Test
  void readFinalSkipsInterimAnswersButReturnsSwitchingProtocols() throws IOException {
    InputStream in =
        bytes(
            "HTTP/1.1 100 Continue\r\n\r\n"
                + "HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nX: y\r\n\r\n");
    ResponseHead head = ResponseHead.readFinal(in, BUDGET);
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.headers()).containsExactly(new HttpHeader("X", "y"));

    ResponseHead upgrade =
        ResponseHead.readFinal(
            bytes(
                "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n"),
            BUDGET);
    assertThat(upgrade.status()).isEqualTo(101);
    assertThat(upgrade.hasToken("upgrade", "X")).isTrue();
  }

  @Test
  void readReturnsAnInterimHeadToo() throws IOException {
    assertThat(read("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n\r\n").status())
        .isEqualTo(100);
  }

  @Test
  void interimHeadsShareTheBudgetOfTheFinalOne() {
    String interim = "HTTP/1.1 100 Continue\r\n\r\n"; // 25 bytes
    String all = interim.repeat(10) + "HTTP/1.1 200 OK\r\n\r\n";
    Throwable t = catchThrowable(() -> ResponseHead.readFinal(bytes(all), 100));
    assertThat(t).isInstanceOf(MalformedHttpException.class);
    assertThat(((MalformedHttpException) t).tooLarge()).isTrue();
  }

  @Test
  void endOfStreamBeforeAnyByteIsEof() {
    assertThatThrownBy(() -> read("")).isInstanceOf(EOFException.class);
    assertThatThrownBy(() -> ResponseHead.readFinal(bytes("HTTP/1.1 100 Continue\r\n\r\n"), BUDGET))
        .isInstanceOf(EOFException.class);
  }

  @Test
  void malformedHeads() {
    String[] bad = {
      "SSH-2.0-OpenSSH\r\n\r\n",
      "\r\n\r\n",
      "HTTP/2 200 OK\r\n\r\n",
      "HTTP/1.1 20\r\n\r\n",
      "HTTP/1.1  200 OK\r\n\r\n",
      "HTTP/1.1 2x0 OK\r\n\r\n",
      "HTTP/1.1 -20 OK\r\n\r\n",
      "HTTP/1.1 600 Too Far\r\n\r\n",
      "HTTP/1.1 099 Too Low\r\n\r\n",
      "HTTP/1.1 2000 OK\r\n\r\n",
      "HTTP/1.1 200OK\r\n\r\n",
      "HTTP/1.X 200 OK\r\n\r\n",
      "http/1.1 200 OK\r\n\r\n",
      "HTTP/1.1 200 O\rK\r\n\r\n",
      "HTTP/1.1 200 OK\r\nNoColon\r\n\r\n",
      "HTTP/1.1 200 OK\r\n: no name\r\n\r\n",
      "HTTP/1.1 200 OK\r\nX-A: 1\r\n folded\r\n\r\n",
      "HTTP/1.1 200 OK\r\nX-A: 1\r\n\tfolded: 2\r\n\r\n",
      "HTTP/1.1 200 OK\r\n X-A: 1\r\n\r\n",
      "HTTP/1.1 200 OK\r\nX A: 1\r\n\r\n",
      "HTTP/1.1 200 OK\r\nX-A : 1\r\n\r\n",
      "HTTP/1.1 200 OK\r\nX(A): 1\r\n\r\n",
      "HTTP/1.1 200 OK\r\nX-A: a\rb\r\n\r\n",
      "HTTP/1.1 200 OK\r\nX-A: a\r\r\n\r\n",
      "HTTP/1.1 200 OK\r\nX-A: a\u0000b\r\n\r\n",
      "HTTP/1.1 200 OK\r\nX-A: a\u001f\r\n\r\n",
      "HTTP/1.1 200 OK\r\nX-A: \u000ba\r\n\r\n",
      "HTTP/1.1 200 OK\r\nX-A: a\u007fb\r\n\r\n",
    };
    assertThat(Arrays.stream(bad).filter(s -> !malformedNotTooLarge(s, BUDGET)))
        .as("accepted, or refused for the wrong reason")
        .isEmpty();
  }

  private static boolean malformedNotTooLarge(String s, int budget) {
    return catchThrowable(() -> ResponseHead.read(bytes(s), budget))
            instanceof MalformedHttpException e
        && !e.tooLarge();
  }

  @Test
  void streamEndingInsideTheHeadIsMalformed() {
    for (String s :
        new String[] {
          "HTTP/1.1 200 O",
          "HTTP/1.1 200 OK\r\n",
          "HTTP/1.1 200 OK\r\nX-A: 1\r\n",
          "HTTP/1.1 200 OK\r\nX-A"
        }) {
      assertThat(malformed(s).tooLarge()).as(s).isFalse();
    }
  }

  @Test
  void headOverTheBudgetIsTooLarge() throws IOException {
    String head = "HTTP/1.1 200 OK\r\nX-A: " + "x".repeat(100) + "\r\n\r\n";
    assertThat(ResponseHead.read(bytes(head), head.length()).status()).isEqualTo(200);
    assertThat(malformed(head, head.length() - 1).tooLarge()).isTrue();
    // a status line alone, never ending, stops at the budget too
    assertThat(malformed("HTTP/1.1 200 " + "x".repeat(1000), 100).tooLarge()).isTrue();
    // and so does a header value over the longest one allowed
    assertThat(
            malformed("HTTP/1.1 200 OK\r\nX: " + "x".repeat(8193) + "\r\n\r\n", 1 << 20).tooLarge())
        .isFalse();
  }

  @Test
  void contentLength() throws IOException {
    assertThat(read("HTTP/1.1 200 OK\r\nContent-Length: 42\r\n\r\n").contentLength()).contains(42L);
    assertThat(read("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n").contentLength()).contains(0L);
    assertThat(read("HTTP/1.1 200 OK\r\n\r\n").contentLength()).isEmpty();
    assertThat(
            read("HTTP/1.1 200 OK\r\nContent-Length: 7\r\ncontent-length: 7\r\n\r\n")
                .contentLength())
        .as("repeated equal values are one length")
        .contains(7L);
    assertThat(
            read("HTTP/1.1 200 OK\r\nContent-Length: 999999999999999999\r\n\r\n").contentLength())
        .contains(999_999_999_999_999_999L);
  }

  @Test
  void invalidOrConflictingContentLength() throws IOException {
    String[] bad = {
      "Content-Length: 7\r\nContent-Length: 8",
      "Content-Length: -1",
      "Content-Length: +1",
      "Content-Length: abc",
      "Content-Length: 0x10",
      "Content-Length: 1.5",
      "Content-Length: 1 2",
      "Content-Length: 7, 7",
      "Content-Length:",
      "Content-Length: 9999999999999999999",
    };
    for (String h : bad) {
      ResponseHead head = read("HTTP/1.1 200 OK\r\n" + h + "\r\n\r\n");
      assertThatThrownBy(head::contentLength).as(h).isInstanceOf(MalformedHttpException.class);
    }
  }

  @Test
  void chunkedIsTheFinalTransferCodingAndOverridesContentLength() throws IOException {
    ResponseHead chunked =
        read("HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\nContent-Length: 5\r\n\r\n");
    assertThat(chunked.chunked()).isTrue();
    assertThat(chunked.contentLength()).isEmpty();
    assertThat(read("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n").chunked())
        .isTrue();
    assertThat(
            read("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n")
                .chunked())
        .isTrue();
    ResponseHead notChunked = read("HTTP/1.1 200 OK\r\nTransfer-Encoding: x-chunked\r\n\r\n");
    assertThat(notChunked.chunked()).isFalse();
    // RFC 9112 §6.3: a transfer coding other than a final chunked one is read until the end
    ResponseHead gzipFirst =
        read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\nContent-Length: 5\r\n\r\n");
    assertThat(gzipFirst.chunked()).isFalse();
    assertThat(gzipFirst.contentLength()).isEmpty();
  }

  @Test
  void hasTokenMatchesListMembers() throws IOException {
    ResponseHead head =
        read("HTTP/1.1 200 OK\r\nConnection: keep-alive, Upgrade\r\nVary: a\r\n\r\n");
    assertThat(head.hasToken("connection", "upgrade")).isTrue();
    assertThat(head.hasToken("Connection", "KEEP-ALIVE")).isTrue();
    assertThat(head.hasToken("connection", "close")).isFalse();
    assertThat(head.hasToken("connection", "keep")).isFalse();
    assertThat(head.hasToken("upgrade", "upgrade")).isFalse();
  }

  @Test
  void headersAreCopied() {
    List<HttpHeader> list = new java.util.ArrayList<>(List.of(new HttpHeader("A", "1")));
    ResponseHead head = new ResponseHead(200, "OK", list);
    list.clear();
    assertThat(head.headers()).hasSize(1);
    assertThatThrownBy(() -> head.headers().add(new HttpHeader("B", "2")))
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
