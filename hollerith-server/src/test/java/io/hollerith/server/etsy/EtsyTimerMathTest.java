package io.hollerith.server.etsy;

import static org.assertj.core.api.Assertions.assertThat;

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
}
