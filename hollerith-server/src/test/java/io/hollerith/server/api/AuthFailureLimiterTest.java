package io.hollerith.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.hollerith.server.testing.StepClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Per-address windows, their expiry, and the memory bound. */
class AuthFailureLimiterTest {

  final StepClock clock = new StepClock();
  final AuthFailureLimiter limiter = new AuthFailureLimiter(3, Duration.ofSeconds(60), clock);

  @Test
  void blocksAfterTheLimitUntilTheWindowEnds() {
    limiter.recordFailure("10.0.0.1");
    limiter.recordFailure("10.0.0.1");
    assertThat(limiter.retryAfterSeconds("10.0.0.1")).isZero();
    limiter.recordFailure("10.0.0.1");
    assertThat(limiter.retryAfterSeconds("10.0.0.1")).isEqualTo(60);
    assertThat(limiter.retryAfterSeconds("10.0.0.2")).isZero();
    clock.advance(59_001);
    assertThat(limiter.retryAfterSeconds("10.0.0.1")).isEqualTo(1);
    clock.advance(999);
    assertThat(limiter.retryAfterSeconds("10.0.0.1")).isZero();
    limiter.recordFailure("10.0.0.1");
    assertThat(limiter.retryAfterSeconds("10.0.0.1")).isZero();
  }

  @Test
  void aFloodOfAddressesSharesOneOverflowWindowAndMemoryStaysBounded() {
    for (int i = 0; i < AuthFailureLimiter.MAX_ADDRESSES; i++) {
      limiter.recordFailure("a" + i);
    }
    for (int i = 0; i < 3; i++) {
      limiter.recordFailure("new" + i);
    }
    assertThat(limiter.tracked()).isEqualTo(AuthFailureLimiter.MAX_ADDRESSES + 1);
    assertThat(limiter.retryAfterSeconds("another")).isEqualTo(60);
    assertThat(limiter.retryAfterSeconds("a1")).isZero();
    clock.advance(60_000);
    limiter.recordFailure("fresh");
    assertThat(limiter.tracked()).isEqualTo(1);
    assertThat(limiter.retryAfterSeconds("another")).isZero();
  }
}
