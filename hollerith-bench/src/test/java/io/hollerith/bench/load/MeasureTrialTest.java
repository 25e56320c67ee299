package io.hollerith.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class MeasureTrialTest {

  @Test
  void cpuIsPerMetricHandledNotPerCounterCounted() {
    // the even mix: 4,000 metrics sent, 1,000 of them counters, all counted
    assertThat(new Measure.Trial(1000, 1000, 4000, 1000, 1000, 0, 0, true).metricsCounted())
        .isEqualTo(4000.0);
    // three quarters of the counters counted: as many of the other lines were lost with them
    assertThat(new Measure.Trial(1000, 1000, 4000, 1000, 750, 0, 0, false).metricsCounted())
        .isEqualTo(3000.0);
    // counting every metric (--count-key), or counters only
    assertThat(new Measure.Trial(1000, 1000, 500, 500, 400, 0, 0, false).metricsCounted())
        .isEqualTo(400.0);
    assertThat(new Measure.Trial(1000, 1000, 0, 0, 0, 0, 0, false).metricsCounted()).isZero();
  }

  /** A search reports the highest rate a lossless trial achieved, whatever the trials' targets. */
  @Test
  void aSearchReportsTheHighestRateALosslessTrialAchieved() {
    var lowTargetFast = new Measure.Trial(6_000_000, 6_400_000, 0, 1, 1, 0, 0, true);
    var highTargetShort = new Measure.Trial(8_000_000, 5_370_000, 0, 1, 1, 0, 0, true);
    var lossyFaster = new Measure.Trial(9_000_000, 7_000_000, 0, 1, 0, 5, 0, false);
    assertThat(Measure.highestLossless(List.of(lowTargetFast, highTargetShort, lossyFaster)))
        .isEqualTo(6_400_000);
    assertThat(Measure.highestLossless(List.of(lossyFaster))).isZero();
  }
}
