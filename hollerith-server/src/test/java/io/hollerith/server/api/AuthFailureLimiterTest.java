package io.hollerith.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.hollerith.server.stats.StatsRegistry;
import io.hollerith.server.testing.StepClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Per-address windows, their expiry, and the memory bound that evicts instead of sharing. */
class AuthFailureLimiterTest {

  final StepClock clock = new StepClock();
  final StatsRegistry stats = new StatsRegistry();
  final AuthFailureLimiter limiter =
      new AuthFailureLimiter(3, Duration.ofSeconds(60), 100, clock, stats);

  @Test
  void throttlesFailuresPastTheLimitUntilTheWindowEnds() {
    assertThat(limiter.recordFailure("10.0.0.1")).isZero();
    assertThat(limiter.recordFailure("10.0.0.1")).isZero();
    assertThat(limiter.recordFailure("10.0.0.1")).isZero();
    assertThat(limiter.recordFailure("10.0.0.1")).isEqualTo(60);
    assertThat(limiter.recordFailure("10.0.0.2")).isZero();
    clock.advance(59_001);
    assertThat(limiter.recordFailure("10.0.0.1")).isEqualTo(1);
    clock.advance(999);
    assertThat(limiter.recordFailure("10.0.0.1")).isZero();
  }

  @Test
  void aFloodOfAddressesEvictsTheLeastRecentlyFailedAndNeverSharesAWindow() {
    for (int round = 0; round < 4; round++) {
      limiter.recordFailure("victim");
    }
    for (int i = 0; i < 10_000; i++) {
      for (int round = 0; round < 4; round++) {
        limiter.recordFailure("flood" + i);
      }
      assertThat(limiter.tracked()).isLessThanOrEqualTo(100);
    }
    // Every address, however many came before it, starts its own window within the limit.
    assertThat(limiter.recordFailure("fresh")).isZero();
    assertThat(limiter.recordFailure("victim")).isZero();
    assertThat(limiter.tracked()).isEqualTo(100);
    assertThat(stats.value("auth", "failure_addresses_evicted"))
        .isEqualTo(10_003L - 100); // victim twice, 10,000 floods, fresh
    assertThat(stats.value("auth", "failure_addresses_tracked")).isEqualTo(100L);
  }

  @Test
  void endedWindowsAreForgotten() {
    limiter.recordFailure("a");
    limiter.recordFailure("b");
    clock.advance(60_000);
    limiter.recordFailure("c");
    assertThat(limiter.tracked()).isEqualTo(1);
  }
}
