package io.hollerith.server.etsy;

import static org.assertj.core.api.Assertions.assertThat;

import io.hollerith.server.snapshot.TimerStats;
import io.hollerith.server.snapshot.TimerStats.PercentileStats;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EtsyTimerMathTest {

  @Test
  void etsyPercentileSuffixesAndBinLabels() {
    assertThat(EtsyTimerMath.suffix(90)).isEqualTo("90");
    assertThat(EtsyTimerMath.suffix(99.9)).isEqualTo("99_9");
    assertThat(EtsyTimerMath.suffix(-10)).isEqualTo("top10");
    assertThat(EtsyTimerMath.suffix(-99.5)).isEqualTo("top99_5");
    assertThat(EtsyTimerMath.binLabel(0.5)).isEqualTo("bin_0_5");
    assertThat(EtsyTimerMath.binLabel(100)).isEqualTo("bin_100");
    assertThat(EtsyTimerMath.binLabel(Double.POSITIVE_INFINITY)).isEqualTo("bin_inf");
  }

  /**
   * Etsy's {@code sort((a, b) => a - b)} is stable and sees {@code -0} and {@code 0} as equal;
   * {@link java.util.Arrays#sort} would put every {@code -0} first.
   */
  @Test
  void sortKeepsZerosInArrivalOrderAndOrdersTheRest() {
    double[] plain = {3, -0.0, 1, 2};
    EtsyTimerMath.sortLikeEtsy(plain, 4);
    assertThat(plain).containsExactly(-0.0, 1, 2, 3);

    double[] zeros = {0.0, -0.0, 5, -0.0};
    EtsyTimerMath.sortLikeEtsy(zeros, 4);
    assertThat(Double.doubleToRawLongBits(zeros[0])).isEqualTo(Double.doubleToRawLongBits(0.0));
    assertThat(Double.doubleToRawLongBits(zeros[1])).isEqualTo(Double.doubleToRawLongBits(-0.0));
    assertThat(Double.doubleToRawLongBits(zeros[2])).isEqualTo(Double.doubleToRawLongBits(-0.0));
    assertThat(zeros[3]).isEqualTo(5.0);
  }

  /**
   * Every threshold's sums, and the totals, are Etsy's cumulative arrays at the threshold's index,
   * bit for bit: built here the way Etsy's flush builds them (one array entry per value, each the
   * previous entry plus the value), for positive, negative ("top") and above-100 thresholds.
   */
  @Test
  void thresholdSumsAreEtsysCumulativeArraysBitForBit() {
    Random random = new Random(7);
    List<Double> thresholds = List.of(90.0, -10.0, 50.0, 99.9, 150.0, -99.5);
    for (int n : new int[] {1, 2, 3, 10, 1001}) {
      double[] values = new double[n];
      for (int i = 0; i < n; i++) {
        values[i] = random.nextInt(100_000) / 7.0;
      }
      double[] sorted = values.clone();
      Arrays.sort(sorted);
      double[] cumulative = new double[n];
      double[] squares = new double[n];
      cumulative[0] = sorted[0];
      squares[0] = sorted[0] * sorted[0];
      for (int i = 1; i < n; i++) {
        cumulative[i] = sorted[i] + cumulative[i - 1];
        squares[i] = sorted[i] * sorted[i] + squares[i - 1];
      }

      TimerStats stats = EtsyTimerMath.compute(values, n, n, 10_000, thresholds, null);

      assertThat(stats.sum()).isEqualTo(cumulative[n - 1]);
      assertThat(stats.sumSquares()).isEqualTo(squares[n - 1]);
      if (n == 1) {
        continue; // Etsy's single-value thresholds carry the value itself
      }
      for (PercentileStats p : stats.percentiles()) {
        int k = (int) Math.round(Math.abs(p.threshold()) / 100 * n);
        if (p.threshold() > 0 && k - 1 >= n) {
          assertThat(p.sum()).isNaN();
        } else if (p.threshold() > 0) {
          assertThat(p.sum()).as("%s of %d", p.threshold(), n).isEqualTo(cumulative[k - 1]);
          assertThat(p.sumSquares()).isEqualTo(squares[k - 1]);
        } else if (n - k - 1 >= 0) {
          assertThat(p.sum()).isEqualTo(cumulative[n - 1] - cumulative[n - k - 1]);
          assertThat(p.sumSquares()).isEqualTo(squares[n - 1] - squares[n - k - 1]);
        }
      }
    }
  }
}
