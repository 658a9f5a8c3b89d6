package io.visiona.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.time.Duration;

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

  /** A transport that delivers fixed bytes, then end-of-stream; writes go nowhere. */
  private static final class BytesThenEof implements Transport {
    private final byte[] data;
    private int pos;

    BytesThenEof(byte[] data) {
      this.data = data;
    }

    @Override
    public synchronized int read(byte[] buf, int off, int len) {
      if (pos >= data.length) {
        return -1;
      }
      int n = Math.min(len, data.length - pos);
      System.arraycopy(data, pos, buf, off, n);
      pos += n;
      return n;
    }

    @Override
    public void write(byte[] buf, int off, int len) throws IOException {}

    @Override
    public void close() {}
  }
}
