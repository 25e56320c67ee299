package io.hollerith.server.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ByteRangesTest {

  /**
   * Every length up to 40, at shifted offsets, equal and with one byte changed at every position.
   */
  @Test
  void agreesWithArraysEqualsForEveryLengthOffsetAndDifferingByte() {
    SplittableRandom random = new SplittableRandom(18L);
    for (int length = 0; length <= 40; length++) {
      for (int aFrom = 0; aFrom < 3; aFrom++) {
        int bFrom = 5 - aFrom;
        byte[] a = new byte[aFrom + length + 2];
        byte[] b = new byte[bFrom + length + 1];
        for (int i = 0; i < length; i++) {
          a[aFrom + i] = (byte) random.nextInt(256);
          b[bFrom + i] = a[aFrom + i];
        }
        a[a.length - 1] = 1; // bytes outside the ranges differ and must not count
        assertThat(ByteRanges.equal(a, aFrom, b, bFrom, length)).as("length %d", length).isTrue();
        for (int i = 0; i < length; i++) {
          b[bFrom + i] ^= (byte) (1 << random.nextInt(8));
          assertThat(ByteRanges.equal(a, aFrom, b, bFrom, length))
              .as("length %d, byte %d", length, i)
              .isEqualTo(Arrays.equals(a, aFrom, aFrom + length, b, bFrom, bFrom + length))
              .isFalse();
          b[bFrom + i] = a[aFrom + i];
        }
      }
    }
  }
}
