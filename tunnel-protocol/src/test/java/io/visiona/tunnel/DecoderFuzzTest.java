package io.visiona.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Random;

/**
 * Feeds arbitrary bytes to a session's decoder. Whatever arrives, the session must end cleanly: no
 * exception escapes, nothing is allocated beyond the window, and the session closes. Runs its seed
 * corpus in every build; {@code JAZZER_FUZZ=1} fuzzes for the configured duration.
 */
class DecoderFuzzTest {

  private static final Config CONFIG =
      Config.builder()
          .keepAliveInterval(Duration.ZERO)
          .maxWindow(Config.SPEC_INITIAL_WINDOW)
          .build();

  @FuzzTest(maxDuration = "30s")
  void arbitraryInputNeverEscapesTheSession(byte[] input) throws Exception {
    Session session = Session.server(new BytesThenEof(input), CONFIG);
    assertThat(session.awaitClosed(Duration.ofSeconds(10))).isTrue();
    assertThat(session.stats().committedWindow()).isLessThanOrEqualTo(CONFIG.sessionMemoryBudget());
  }

  /**
   * A transport that delivers fixed bytes in pieces of 1 to 40 bytes (so frames are cut at every
   * possible place), then end-of-stream; writes go nowhere.
   */
  private static final class BytesThenEof implements Transport {
    private final byte[] data;

    BytesThenEof(byte[] data) {
      this.data = data;
    }

    @Override
    public void start(Receiver receiver) {
      Thread.ofVirtual()
          .start(
              () -> {
                Random cuts = new Random(data.length);
                try {
                  for (int pos = 0; pos < data.length; ) {
                    int n = Math.min(data.length - pos, 1 + cuts.nextInt(40));
                    receiver.receive(ByteBuffer.wrap(data, pos, n));
                    pos += n;
                  }
                  receiver.endOfInput();
                } catch (IOException e) {
                  receiver.fail(e);
                }
              });
    }

    @Override
    public void write(byte[] buf, int off, int len) throws IOException {}

    @Override
    public void close() {}
  }
}
