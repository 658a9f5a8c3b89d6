package io.visiona.api.pairing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class UserCodesTest {

  @Test
  void codesAreEightLettersOfTheAlphabet() {
    UserCodes codes = new UserCodes();
    for (int i = 0; i < 1000; i++) {
      assertThat(codes.generate()).matches("[" + UserCodes.ALPHABET + "]{8}");
    }
  }

  @Test
  void lettersAreUniformChiSquare() {
    // 19 degrees of freedom: the statistic exceeds 43.82 with probability 0.001 for a uniform
    // source.
    UserCodes codes = new UserCodes(new SplittableRandom(20261130L));
    long[] counts = new long[UserCodes.ALPHABET.length()];
    int n = 25_000;
    for (int i = 0; i < n; i++) {
      for (char c : codes.generate().toCharArray()) {
        counts[UserCodes.ALPHABET.indexOf(c)]++;
      }
    }
    double expected = n * 8.0 / counts.length;
    double chiSquare = 0;
    for (long count : counts) {
      chiSquare += (count - expected) * (count - expected) / expected;
    }
    assertThat(chiSquare).isLessThan(43.82);
  }

  @Test
  void bytesThatWouldBiasTheCodeAreDrawnAgain() {
    // 240..255 would favour the first 16 letters (byte % 20): they must be skipped, not used.
    int[] bytes = {255, 240, 0, 241, 1, 2, 3, 4, 5, 6, 7};
    RandomGenerator scripted =
        new RandomGenerator() {
          int i;

          @Override
          public long nextLong() {
            throw new UnsupportedOperationException();
          }

          @Override
          public int nextInt(int bound) {
            return bytes[i++];
          }
        };
    assertThat(new UserCodes(scripted).generate()).isEqualTo("BCDFGHJK");
  }

  @Test
  void typedCodesAreCaseInsensitiveWithTheDashIgnored() {
    assertThat(UserCodes.normalise("bcdf-ghjk")).hasValue("BCDFGHJK");
    assertThat(UserCodes.normalise(" BCDF GHJK ")).hasValue("BCDFGHJK");
    assertThat(UserCodes.normalise("BCDFGHJK")).hasValue("BCDFGHJK");
    assertThat(UserCodes.normalise("BCDF-GHJA")).isEmpty(); // a vowel
    assertThat(UserCodes.normalise("BCDF-GHJ")).isEmpty();
    assertThat(UserCodes.normalise(null)).isEmpty();
    assertThat(UserCodes.normalise("B".repeat(100))).isEmpty();
    assertThat(UserCodes.display("BCDFGHJK")).isEqualTo("BCDF-GHJK");
  }
}
