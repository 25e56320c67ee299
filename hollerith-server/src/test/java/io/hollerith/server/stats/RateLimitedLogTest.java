package io.hollerith.server.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** {@link RateLimitedLog} on a clock the test steps. */
class RateLimitedLogTest {

  @Test
  void letsOneMessageThroughPerIntervalAndCountsTheSuppressedOnes() {
    AtomicLong now = new AtomicLong(1_000);
    RateLimitedLog log = new RateLimitedLog(60_000, now::get);
    assertThat(log.tryAcquire()).as("the first message").isZero();
    for (int i = 0; i < 5; i++) {
      assertThat(log.tryAcquire()).isEqualTo(-1);
    }
    now.set(1_000 + 59_999);
    assertThat(log.tryAcquire()).as("one millisecond early").isEqualTo(-1);
    now.set(1_000 + 60_000);
    assertThat(log.tryAcquire())
        .as("the suppressed count since the last one let through")
        .isEqualTo(6);
    now.addAndGet(120_000);
    assertThat(log.tryAcquire()).as("nothing suppressed in between").isZero();
    assertThat(log.tryAcquire()).isEqualTo(-1);
  }

  @Test
  void concurrentCallersLetExactlyOneThroughPerInterval() throws InterruptedException {
    AtomicLong now = new AtomicLong(0);
    RateLimitedLog log = new RateLimitedLog(1_000, now::get);
    AtomicLong letThrough = new AtomicLong();
    Thread[] threads = new Thread[4];
    for (int t = 0; t < threads.length; t++) {
      threads[t] =
          new Thread(
              () -> {
                for (int i = 0; i < 10_000; i++) {
                  if (log.tryAcquire() >= 0) {
                    letThrough.incrementAndGet();
                  }
                }
              });
      threads[t].start();
    }
    for (Thread t : threads) {
      t.join();
    }
    assertThat(letThrough).hasValue(1);
    now.set(1_000);
    assertThat(log.tryAcquire()).isEqualTo(4 * 10_000 - 1);
  }
}
