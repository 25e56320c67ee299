package io.hollerith.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

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
}
