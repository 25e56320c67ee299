package io.hollerith.server.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link DoubleBlocks} against a plain array filled the same way. */
class DoubleBlocksTest {

  private static final int B = DoubleBlocks.BLOCK;

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 4, 5, 64, 65, B - 1, B, B + 1, 2 * B, 3 * B + 7})
  void holdsEveryValueInOrder(int n) {
    DoubleBlocks blocks = new DoubleBlocks();
    double[] expected = new double[n];
    for (int i = 0; i < n; i++) {
      expected[i] = i * 1.5 - 7;
      blocks.add(expected[i]);
    }
    assertThat(blocks.size()).isEqualTo(n);
    double[] copied = new double[n + 3];
    Arrays.fill(copied, -1);
    blocks.copyTo(copied);
    assertThat(Arrays.copyOf(copied, n)).containsExactly(expected);
    assertThat(Arrays.copyOfRange(copied, n, n + 3)).containsOnly(-1.0);
    for (int i = 0; i < n; i++) {
      assertThat(blocks.get(i)).isEqualTo(expected[i]);
    }
  }

  /** Intervals of changing sizes reuse and drop blocks; each interval holds only its own values. */
  @Test
  void eachIntervalAfterAClearHoldsOnlyItsOwnValues() {
    DoubleBlocks blocks = new DoubleBlocks();
    for (int n : new int[] {3 * B + 5, 10, 2 * B, 0, 100_000, 1, B + 1, 70, 3}) {
      double[] expected = new double[n];
      for (int i = 0; i < n; i++) {
        expected[i] = n + i;
        blocks.add(expected[i]);
      }
      double[] copied = new double[n];
      blocks.copyTo(copied);
      assertThat(copied).as("interval of %d", n).containsExactly(expected);
      assertThat(blocks.size()).isEqualTo(n);
      blocks.clear();
      assertThat(blocks.size()).isZero();
    }
  }

  @Test
  void addCopiesAppendsTheValueThatManyTimes() {
    DoubleBlocks blocks = new DoubleBlocks();
    blocks.add(2);
    blocks.addCopies(1, B + 2);
    blocks.add(3);
    assertThat(blocks.size()).isEqualTo(B + 4);
    assertThat(blocks.get(0)).isEqualTo(2);
    assertThat(blocks.get(1)).isEqualTo(1);
    assertThat(blocks.get(B + 2)).isEqualTo(1);
    assertThat(blocks.get(B + 3)).isEqualTo(3);
  }
}
