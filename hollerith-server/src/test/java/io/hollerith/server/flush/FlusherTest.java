package io.hollerith.server.flush;

import static io.hollerith.server.protocol.TestSamples.counter;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hollerith.server.aggregate.Aggregator;
import io.hollerith.server.config.AggregationConfig;
import io.hollerith.server.config.StatsConfig;
import io.hollerith.server.protocol.TestSamples;
import io.hollerith.server.snapshot.FlushSnapshot;
import io.hollerith.server.stats.StatsRegistry;
import io.hollerith.server.testing.StepClock;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class FlusherTest {

  private static final long T0 = 1_700_000_000_000L;
  private final StatsRegistry stats = new StatsRegistry();

  private static AggregationConfig interval(Duration d) {
    return AggregationConfig.builder().flushInterval(d).build();
  }

  private static StatsConfig unbuffered() {
    return StatsConfig.defaults();
  }

  @Test
  void flushesAtWallClockMultiplesOfTheInterval() {
    StepClock clock = new StepClock(T0 + 2_345);
    Aggregator a = new Aggregator(interval(Duration.ofSeconds(10)), unbuffered(), stats, clock);
    RecordingSink sink = new RecordingSink("rec");
    Flusher f = new Flusher(a, List.of(sink), stats, clock);
    assertThat(f.millisUntilNextFlush()).isEqualTo(7_655);
    assertThat(f.runDueFlush()).isEmpty(); // not due yet: nothing closes early

    a.newWriter().accept(counter("hits", 1));
    clock.set(T0 + 10_004);
    List<FlushSnapshot> out = f.runDueFlush();
    assertThat(out).extracting(FlushSnapshot::intervalStartMillis).containsExactly(T0);
    assertThat(sink.received).containsExactlyElementsOf(out);
    assertThat(f.millisUntilNextFlush()).isEqualTo(9_996);
    assertThat(stats.value("flush", "processing_lag_ms")).isEqualTo(4L);
    assertThat(stats.value("flush", "last_flush_time_ms")).isEqualTo(T0 + 10_004);

    // A stall of several intervals: the live data is labelled with the last interval that ended.
    clock.set(T0 + 45_000);
    assertThat(f.runDueFlush())
        .extracting(FlushSnapshot::intervalStartMillis)
        .containsExactly(T0 + 30_000);
    assertThat(f.millisUntilNextFlush()).isEqualTo(5_000);
    assertThat(stats.value("flush", "flushes")).isEqualTo(2L);
    assertThat(stats.value("flush", "snapshots")).isEqualTo(2L);
    assertThat(stats.value("flush", "series_flushed")).isEqualTo(2L);
  }

  @Test
  void scheduledFlushesRunOnIntervalBoundariesWithTheRealClock() throws Exception {
    Aggregator a =
        new Aggregator(interval(Duration.ofMillis(200)), unbuffered(), stats, Clock.systemUTC());
    RecordingSink sink = new RecordingSink("rec");
    try (Flusher f = new Flusher(a, List.of(sink), stats, Clock.systemUTC())) {
      f.start();
      await().atMost(Duration.ofSeconds(5)).until(() -> sink.received.size() >= 3);
    }
    assertThat(sink.received.size()).isGreaterThanOrEqualTo(3);
    long first = sink.received.get(0).intervalStartMillis();
    assertThat(first % 200).isZero();
    assertThat(sink.received.get(1).intervalStartMillis()).isEqualTo(first + 200);
    assertThat(sink.received.get(2).intervalStartMillis()).isEqualTo(first + 400);
    assertThat(sink.closed).isTrue();
  }

  @Test
  void aFailingSinkIsCountedAndOthersStillReceive() {
    StepClock clock = new StepClock(T0 + 1_000);
    Aggregator a = new Aggregator(interval(Duration.ofSeconds(10)), unbuffered(), stats, clock);
    RecordingSink before = new RecordingSink("before");
    FlushSink failing =
        new FlushSink() {
          @Override
          public String name() {
            return "broken";
          }

          @Override
          public void publish(FlushSnapshot snapshot) {
            throw new IllegalStateException("disk full");
          }
        };
    RecordingSink after = new RecordingSink("after");
    Flusher f = new Flusher(a, List.of(before, failing, after), stats, clock);
    clock.set(T0 + 10_000);
    f.runDueFlush();
    assertThat(before.received).hasSize(1);
    assertThat(after.received).hasSize(1);
    assertThat(stats.value("flush", "sink_errors")).isEqualTo(1L);
    assertThat(stats.value("flush", "sink_errors.broken")).isEqualTo(1L);
  }

  @Test
  void closeFlushesThePartialIntervalThenClosesSinks() {
    StepClock clock = new StepClock(T0 + 1_000);
    Aggregator a =
        new Aggregator(
            interval(Duration.ofSeconds(10)), StatsConfig.buffered(100, 1000), stats, clock);
    RecordingSink sink = new RecordingSink("rec");
    Flusher f = new Flusher(a, List.of(sink), stats, clock);
    f.start();
    var w = a.newWriter();
    w.accept(counter("hits", 3)); // buffered, still pending in the writer
    clock.set(T0 + 4_000);
    f.close();
    assertThat(sink.received).hasSize(1);
    FlushSnapshot last = sink.received.get(0);
    assertThat(last.intervalStartMillis()).isEqualTo(T0);
    assertThat(last.counters())
        .singleElement()
        .satisfies(c -> assertThat(c.count()).isEqualTo(3.0));
    assertThat(sink.closed).isTrue();
    f.close(); // idempotent
    assertThat(sink.received).hasSize(1);
  }

  @Test
  void backfillSnapshotsReachSinksBeforeTheLiveOne() {
    StepClock clock = new StepClock(T0 + 1_000);
    Aggregator a = new Aggregator(interval(Duration.ofSeconds(10)), unbuffered(), stats, clock);
    RecordingSink sink = new RecordingSink("rec");
    Flusher f = new Flusher(a, List.of(sink), stats, clock);
    var w = a.newWriter();
    w.accept(TestSamples.at(counter("hits", 1), T0 / 1000 - 3_600));
    w.accept(counter("hits", 1));
    f.flushNow();
    assertThat(sink.received).extracting(FlushSnapshot::backfill).containsExactly(true, false);
    assertThat(sink.received)
        .extracting(FlushSnapshot::intervalStartMillis)
        .containsExactly(T0 - 3_600_000, T0);
  }
}
