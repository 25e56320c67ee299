package io.hollerith.server.stats;

import static org.assertj.core.api.Assertions.assertThat;

import io.hollerith.server.testing.StepClock;
import org.junit.jupiter.api.Test;

/** The wake-up lateness: latest and the largest of the last minute. */
class WakeLatencyProbeTest {

  @Test
  void nothingIsKnownBeforeTheFirstWakeUp() {
    WakeLatencyProbe probe = new WakeLatencyProbe(new StepClock());
    assertThat(probe.latestSeconds()).isEmpty();
    assertThat(probe.maxLastMinuteSeconds()).isEmpty();
  }

  @Test
  void reportsTheLatestAndTheMaximumOfTheLastMinute() {
    WakeLatencyProbe probe = new WakeLatencyProbe(new StepClock());
    probe.record(10_000, 10_250);
    probe.record(20_000, 20_010);
    assertThat(probe.latestSeconds()).hasValue(0.010);
    assertThat(probe.maxLastMinuteSeconds()).hasValue(0.250);
    probe.record(70_000, 70_004); // 10.25 s is still within the minute before 70.004 s
    assertThat(probe.maxLastMinuteSeconds()).hasValue(0.250);
    probe.record(80_000, 80_005); // now it is not
    assertThat(probe.latestSeconds()).hasValue(0.005);
    assertThat(probe.maxLastMinuteSeconds()).hasValue(0.010);
  }
}
