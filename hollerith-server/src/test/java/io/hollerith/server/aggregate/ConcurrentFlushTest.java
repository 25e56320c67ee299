package io.hollerith.server.aggregate;

import static io.hollerith.server.aggregate.AggregatorTestSupport.T0;
import static io.hollerith.server.protocol.TestSamples.at;
import static io.hollerith.server.protocol.TestSamples.counter;
import static io.hollerith.server.protocol.TestSamples.timer;
import static org.assertj.core.api.Assertions.assertThat;

import io.hollerith.server.config.AggregationConfig;
import io.hollerith.server.config.StatsConfig;
import io.hollerith.server.model.MetricType;
import io.hollerith.server.protocol.Sample;
import io.hollerith.server.snapshot.FlushSnapshot;
import io.hollerith.server.stats.StatsRegistry;
import io.hollerith.server.testing.StepClock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Flushes racing with writers, with idle deletion removing series and backfill intervals closing
 * under them: every sample is counted exactly once across all snapshots.
 */
class ConcurrentFlushTest {

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void everySampleIsFlushedExactlyOnce(boolean noBuffer) throws Exception {
    AggregationConfig config = AggregatorTestSupport.config(null, true, null);
    StatsConfig statsConfig = noBuffer ? StatsConfig.defaults() : StatsConfig.buffered(64, 1000);
    Aggregator a =
        new Aggregator(config, statsConfig, new StatsRegistry(), new StepClock(T0 + 1_000));
    int threads = 3;
    int perThread = 30_000;
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    List<Thread> writers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int id = t;
      Thread w =
          new Thread(
              () -> {
                try (var writer = a.newWriter()) {
                  for (int i = 0; i < perThread; i++) {
                    String key = "k" + ((i * 7 + id) % 40);
                    Sample s = i % 5 == 0 ? timer(key, 1) : counter(key, 1);
                    if (i % 3 == 0) {
                      at(
                          s,
                          T0 / 1000
                              - 30
                              - (i % 4) * 10L); // backfill into one of four past intervals
                    }
                    writer.accept(s);
                  }
                } catch (Throwable e) {
                  failures.add(e);
                }
              });
      writers.add(w);
    }
    List<FlushSnapshot> snapshots = new CopyOnWriteArrayList<>();
    AtomicBoolean done = new AtomicBoolean();
    Thread flusher =
        new Thread(
            () -> {
              long start = T0;
              while (!done.get()) {
                snapshots.addAll(a.flush(start));
                start += 10_000;
                a.liveView().delete(MetricType.GAUGE, "none");
              }
              snapshots.addAll(a.flush(start));
            });
    AggregatorTestSupport.race(writers, flusher, done);
    assertThat(failures).isEmpty();

    double counted = 0;
    double timed = 0;
    for (FlushSnapshot s : snapshots) {
      for (var c : s.counters()) {
        counted += c.count();
      }
      for (var t : s.timers()) {
        timed += t.stats().sampleCount();
      }
    }
    assertThat(counted + timed).isEqualTo((double) threads * perThread);
    assertThat(timed).isEqualTo(threads * (perThread / 5.0));
    assertThat(a.seriesCount()).isLessThanOrEqualTo(80);
  }
}
