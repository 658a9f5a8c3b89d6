package io.visiona.server.http1;

import static io.visiona.server.http1.ResponseHeadTest.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ChunkedInputStreamTest {

  private static String decode(String body) throws IOException {
    return decode(body, 1024);
  }

  private static String decode(String body, int maxTrailerBytes) throws IOException {
    try (InputStream in = new ChunkedInputStream(bytes(body), maxTrailerBytes)) {
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  private static MalformedHttpException malformed(String body) {
    Throwable t = catchThrowable(() -> decode(body));
    assertThat(t).as(body).isInstanceOf(MalformedHttpException.class);
    return (MalformedHttpException) t;
  }

  private static boolean malformedNotTooLarge(String body) {
    return catchThrowable(() -> decode(body)) instanceof MalformedHttpException e && !e.tooLarge();
  }

  @Test
  void chunksAreJoined() throws IOException {
    assertThat(decode("5\r\nhello\r\n1\r\n \r\nA\r\n0123456789\r\n0\r\n\r\n"))
        .isEqualTo("hello 0123456789");
    assertThat(decode("0\r\n\r\n")).isEmpty();
    assertThat(decode("a\nabcdefghij\n0\n\n")).as("bare LF").isEqualTo("abcdefghij");
    assertThat(decode("00000F\r\n0123456789abcde\r\n000\r\n\r\n")).isEqualTo("0123456789abcde");
  }

  @Test
  void extensionsAndTrailersAreDropped() throws IOException {
    InputStream raw =
        bytes(
            "5;name=value\r\nhello\r\n3 ; a ; b=\"x;y\"\r\nabc\r\n0;last\r\n"
                + "Expires: never\r\nX-Checksum: 1\r\n\r\nnext message");
    InputStream in = new ChunkedInputStream(raw, 1024);
    assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("helloabc");
    assertThat(in.read()).isEqualTo(-1);
    assertThat(new String(raw.readAllBytes(), StandardCharsets.US_ASCII))
        .as("nothing past the body is read")
        .isEqualTo("next message");
  }

  @Test
  void singleByteReads() throws IOException {
    InputStream in = new ChunkedInputStream(bytes("2\r\n\u00ffb\r\n0\r\n\r\n"), 1024);
    assertThat(in.read()).isEqualTo(0xff);
    assertThat(in.read()).isEqualTo('b');
    assertThat(in.read()).isEqualTo(-1);
    assertThat(in.read(new byte[4], 0, 0)).isZero();
  }

  @Test
  void invalidChunkSizes() {
    String[] bad = {
      "\r\nhello\r\n0\r\n\r\n",
      "x\r\nhello\r\n0\r\n\r\n",
      "-5\r\nhello\r\n0\r\n\r\n",
      "+5\r\nhello\r\n0\r\n\r\n",
      "0x5\r\nhello\r\n0\r\n\r\n",
      "5 5\r\nhello\r\n0\r\n\r\n",
      "5\r\r\nhello\r\n0\r\n\r\n",
      "5\u000b\r\nhello\r\n0\r\n\r\n",
      ";ext\r\nhello\r\n0\r\n\r\n",
      "1000000000000000\r\nhello\r\n0\r\n\r\n",
    };
    assertThat(Arrays.stream(bad).filter(b -> !malformedNotTooLarge(b)))
        .as("accepted, or refused for the wrong reason")
        .isEmpty();
  }

  @Test
  void aChunkSizeLineOverItsLimitIsTooLarge() {
    assertThat(malformed("5;" + "e".repeat(2000) + "\r\nhello\r\n0\r\n\r\n").tooLarge()).isTrue();
  }

  @Test
  void aChunkNotFollowedByCrlfIsMalformedNotTooLarge() {
    String[] bad = {
      "5\r\nhelloX\r\n0\r\n\r\n",
      "5\r\nhello\rX0\r\n\r\n",
      "5\r\nhello0\r\n\r\n",
      "5\r\nhello\r\r\n0\r\n\r\n"
    };
    assertThat(Arrays.stream(bad).filter(b -> !malformedNotTooLarge(b)))
        .as("accepted, or refused for the wrong reason")
        .isEmpty();
  }

  @Test
  void endingEarlyIsEof() {
    String[] early = {
      "",
      "5",
      "5\r\n",
      "5\r\nhel",
      "5\r\nhello",
      "5\r\nhello\r",
      "5\r\nhello\r\n",
      "5\r\nhello\r\n0\r\n"
    };
    assertThat(
            Arrays.stream(early)
                .filter(b -> !(catchThrowable(() -> decode(b)) instanceof EOFException)))
        .as("not an EOFException")
        .isEmpty();
    // ending inside the trailers is a truncated head
    assertThat(catchThrowable(() -> decode("0\r\nX: 1\r\n"))).isInstanceOf(IOException.class);
  }

  @Test
  void trailersOverTheirBudgetAreTooLarge() throws IOException {
    String body = "1\r\na\r\n0\r\nX-Checksum: 0123456789\r\n\r\n"; // a 24-byte trailer
    assertThat(decode(body, 24)).isEqualTo("a");
    assertThat(decode("1\r\na\r\n0\r\n\r\n", 0)).isEqualTo("a");
    Throwable t = catchThrowable(() -> decode(body, 23));
    assertThat(t).isInstanceOf(MalformedHttpException.class);
    assertThat(((MalformedHttpException) t).tooLarge()).isTrue();
    assertThat(malformed("1\r\na\r\n0\r\nnot a header\r\n\r\n").tooLarge()).isFalse();
  }

  /**
   * A streamed body (server-sent events, camera frames): each read hands on what has arrived,
   * without waiting for the rest of the chunk, the chunk's CRLF, or the next chunk.
   */
  @Test
  void aReadReturnsWhatHasArrivedWithoutWaitingForMore() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Socket writerSide = new Socket(server.getInetAddress(), server.getLocalPort());
        Socket readerSide = server.accept()) {
      readerSide.setSoTimeout(10_000); // a read that waits for unsent bytes fails here
      OutputStream out = writerSide.getOutputStream();
      String[] parts = {"a\r\nhello", "01234\r\n5\r\nworld", "\r\n0\r\n\r\n"};
      CountDownLatch[] got = {new CountDownLatch(1), new CountDownLatch(1)};
      CompletableFuture<Void> writer =
          CompletableFuture.runAsync(
              () -> {
                try {
                  for (int i = 0; i < parts.length; i++) {
                    out.write(parts[i].getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    if (i < got.length && !got[i].await(20, TimeUnit.SECONDS)) {
                      throw new IllegalStateException("reader did not get part " + i);
                    }
                  }
                } catch (IOException | InterruptedException e) {
                  throw new IllegalStateException(e);
                }
              });
      InputStream in = new ChunkedInputStream(readerSide.getInputStream(), 1024);
      // Half of a 10-byte chunk has been written.
      assertThat(readArrived(in, 5)).isEqualTo("hello");
      got[0].countDown();
      // The rest of it, and a whole 5-byte chunk whose CRLF is not written yet.
      assertThat(readArrived(in, 10)).isEqualTo("01234world");
      got[1].countDown();
      assertThat(in.read(new byte[16])).isEqualTo(-1);
      writer.get(20, TimeUnit.SECONDS);
    }
  }

  /**
   * Reads exactly {@code n} bytes that the writer has already sent (they may come in more than one
   * read); a read that waited for bytes not yet written would stall the writer and time out.
   */
  private static String readArrived(InputStream in, int n) throws IOException {
    byte[] buf = new byte[1024];
    StringBuilder s = new StringBuilder();
    while (s.length() < n) {
      int r = in.read(buf, 0, buf.length);
      assertThat(r).as("read after %s", s).isPositive();
      s.append(new String(buf, 0, r, StandardCharsets.US_ASCII));
    }
    assertThat(s.length()).as("a read returned bytes the writer had not written yet").isEqualTo(n);
    return s.toString();
  }

  @Test
  void readingPastTheEndStaysAtTheEnd() throws IOException {
    InputStream in = new ChunkedInputStream(bytes("1\r\nz\r\n0\r\n\r\n"), 1024);
    assertThat(in.readAllBytes()).containsExactly('z');
    assertThat(in.read()).isEqualTo(-1);
    assertThat(in.read(new byte[3], 0, 3)).isEqualTo(-1);
  }

  @Test
  void aFailedBodyIsNotReadFurther() {
    assertThatThrownBy(() -> decode("2\r\nabc\r\n")).isInstanceOf(MalformedHttpException.class);
  }
}
