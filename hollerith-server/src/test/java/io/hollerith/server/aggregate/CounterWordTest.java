package io.hollerith.server.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import io.hollerith.server.model.MetricKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The lock-free counter's word protocol: sums, sentinels, draining and deletion. */
class CounterWordTest {

  private static Series.Counter counter() {
    return new Series.Counter(MetricKey.of("hits"), 1);
  }

  @Test
  void startsUntouchedAndSumsWithEtsysRateScaling() {
    Series.Counter c = counter();
    assertThat(c.peek()).isEqualTo(Series.Counter.UNTOUCHED);
    assertThat(Series.Counter.sum(c.peek())).isZero();
    assertThat(c.tryAdd(1, 1)).isTrue();
    assertThat(c.tryAdd(2, 0.1)).isTrue();
    assertThat(Series.Counter.sum(c.peek())).isEqualTo(1 + 2 * (1 / 0.1));
  }

  @Test
  void aZeroSampleTouchesTheCounterAndMinusZeroAddsToZero() {
    Series.Counter c = counter();
    assertThat(c.tryAdd(-0.0, 1)).isTrue();
    long word = c.drain();
    assertThat(Series.Counter.touched(word)).isTrue();
    // Etsy starts from 0: 0 + -0 is +0.
    assertThat(Double.doubleToRawLongBits(Series.Counter.sum(word))).isZero();
  }

  @Test
  void aNaNSumIsStillASumAndNeverASentinel() {
    Series.Counter c = counter();
    c.tryAdd(Double.POSITIVE_INFINITY, 1);
    c.tryAdd(Double.NEGATIVE_INFINITY, 1);
    long word = c.peek();
    assertThat(Series.Counter.touched(word)).isTrue();
    assertThat(Series.Counter.sum(word)).isNaN();
    assertThat(c.tryAdd(1, 1)).isTrue();
    assertThat(c.deleteIfUntouched()).isFalse();
  }

  @Test
  void drainTakesTheIntervalAndLeavesUntouched() {
    Series.Counter c = counter();
    c.tryAdd(5, 1);
    assertThat(Series.Counter.sum(c.drain())).isEqualTo(5);
    assertThat(c.drain()).isEqualTo(Series.Counter.UNTOUCHED);
  }

  @Test
  void onlyAnUntouchedCounterIsDeletedAsIdle() {
    Series.Counter c = counter();
    c.tryAdd(1, 1);
    assertThat(c.deleteIfUntouched()).isFalse();
    assertThat(c.deleted).isFalse();
    c.drain();
    assertThat(c.deleteIfUntouched()).isTrue();
    assertThat(c.deleted).isTrue();
    assertThat(c.tryAdd(1, 1)).isFalse();
    assertThat(c.drain()).isEqualTo(Series.Counter.DELETED);
  }

  @Test
  void deleteReturnsThePendingWordOnceAndRefusesLaterSamples() {
    Series.Counter c = counter();
    c.tryAdd(3, 1);
    assertThat(Series.Counter.sum(c.delete())).isEqualTo(3);
    assertThat(c.markDeleted()).isFalse();
    assertThat(c.tryAdd(1, 1)).isFalse();
  }

  @Test
  void racingWritersAndDrainsLoseNothing() throws Exception {
    Series.Counter c = counter();
    int threads = 3;
    int perThread = 200_000;
    List<Thread> writers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      writers.add(
          new Thread(
              () -> {
                for (int i = 0; i < perThread; i++) {
                  c.tryAdd(1, 1);
                }
              }));
    }
    AtomicBoolean done = new AtomicBoolean();
    double[] drained = new double[1];
    Thread flusher =
        new Thread(
            () -> {
              while (!done.get()) {
                drained[0] += Series.Counter.sum(c.drain());
              }
              drained[0] += Series.Counter.sum(c.drain());
            });
    AggregatorTestSupport.race(writers, flusher, done);
    assertThat(drained[0]).isEqualTo((double) threads * perThread);
  }
}
