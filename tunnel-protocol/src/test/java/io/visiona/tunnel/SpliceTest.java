package io.visiona.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A yamux stream spliced onto a real TCP connection: half-close, reset and interrupt. */
@Timeout(30)
class SpliceTest {

  /** Client stream -> (server stream <splice> socket) -> target socket. */
  record Rig(Loopback loopback, Stream client, Socket target, CompletableFuture<Boolean> result)
      implements AutoCloseable {
    @Override
    public void close() throws Exception {
      target.close();
      loopback.close();
    }
  }

  static Rig rig(CompletableFuture<Thread> spliceThread) throws Exception {
    Loopback l = Loopback.open(Config.defaults());
    Socket[] pair = Loopback.socketPair();
    Stream client = l.client.openStream();
    client.outputStream().write('!'); // makes the stream known to the server side
    Stream accepted = l.server.acceptStream();
    assertThat(accepted.inputStream().read()).isEqualTo('!');
    CompletableFuture<Boolean> result = new CompletableFuture<>();
    Thread.ofVirtual()
        .start(
            () -> {
              spliceThread.complete(Thread.currentThread());
              result.complete(
                  Splice.run(Splice.of(pair[0]), Splice.of(accepted), "splice-test", 1024));
            });
    return new Rig(l, client, pair[1], result);
  }

  static String readAll(InputStream in) throws Exception {
    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
  }

  @Test
  void eachEndOfStreamIsAHalfCloseAndTheOtherDirectionGoesOn() throws Exception {
    try (Rig r = rig(new CompletableFuture<>())) {
      r.client.outputStream().write("ping".getBytes(StandardCharsets.UTF_8));
      r.client.closeWrite();
      assertThat(readAll(r.target.getInputStream())).isEqualTo("ping");
      // After the client's FIN the target can still answer, at length.
      byte[] answer = "pong".repeat(5000).getBytes(StandardCharsets.UTF_8);
      r.target.getOutputStream().write(answer);
      r.target.shutdownOutput();
      assertThat(readAll(r.client.inputStream())).isEqualTo("pong".repeat(5000));
      assertThat(r.result.get(10, TimeUnit.SECONDS)).as("completed").isTrue();
    }
  }

  @Test
  void aResetOnOneSideAbortsTheOther() throws Exception {
    try (Rig r = rig(new CompletableFuture<>())) {
      r.client.outputStream().write("x".getBytes(StandardCharsets.UTF_8));
      assertThat(r.target.getInputStream().read()).isEqualTo('x');
      r.client.reset();
      assertThat(r.result.get(10, TimeUnit.SECONDS)).as("completed").isFalse();
      // The target connection was closed, not half-closed politely after the data.
      assertThat(r.target.getInputStream().read()).isEqualTo(-1);
    }
  }

  @Test
  void aFailedTargetResetsTheStream() throws Exception {
    try (Rig r = rig(new CompletableFuture<>())) {
      r.target.setSoLinger(true, 0);
      r.target.close(); // RST towards the splice
      assertThatThrownBy(() -> readAll(r.client.inputStream()))
          .isInstanceOf(StreamResetException.class);
      assertThat(r.result.get(10, TimeUnit.SECONDS)).isFalse();
    }
  }

  @Test
  void anInterruptAbortsBothSidesAndKeepsTheInterruptStatus() throws Exception {
    CompletableFuture<Thread> thread = new CompletableFuture<>();
    AtomicBoolean stillInterrupted = new AtomicBoolean();
    CountDownLatch done = new CountDownLatch(1);
    try (Rig r = rig(thread)) {
      r.result.whenComplete(
          (v, e) -> {
            stillInterrupted.set(Thread.currentThread().isInterrupted());
            done.countDown();
          });
      // The target finishes: the calling thread's direction is done and it waits for the other.
      r.target.shutdownOutput();
      assertThat(readAll(r.client.inputStream())).isEmpty();
      thread.get(10, TimeUnit.SECONDS).interrupt();
      assertThat(r.result.get(10, TimeUnit.SECONDS)).as("completed").isFalse();
      assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(stillInterrupted).isTrue();
      // The direction still open (client -> target) was reset, not left hanging.
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThatThrownBy(() -> r.client.outputStream().write(1))
                      .isInstanceOf(StreamResetException.class));
    }
  }
}
