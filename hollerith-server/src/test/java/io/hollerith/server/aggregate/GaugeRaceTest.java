package io.hollerith.server.aggregate;

import static io.hollerith.server.aggregate.AggregatorTestSupport.T0;
import static io.hollerith.server.protocol.TestSamples.gauge;
import static org.assertj.core.api.Assertions.assertThat;

import io.hollerith.server.config.AggregationConfig;
import io.hollerith.server.config.StatsConfig;
import io.hollerith.server.snapshot.FlushSnapshot;
import io.hollerith.server.snapshot.FlushSnapshot.GaugePoint;
import io.hollerith.server.stats.StatsRegistry;
import io.hollerith.server.testing.StepClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Gauge samples racing with a flusher that flushes back to back, while idle deletion ({@code
 * deleteGauges}) and a series TTL of one interval unlink gauges under the writers: no sample is
 * lost. Deltas are checked by their sum, absolute sets by the last value each gauge reports.
 */
class GaugeRaceTest {
  private static final int THREADS = 3;
  private static final int PER_THREAD = 50_000;
  private static final int GAUGES = 3;

  /**
   * With {@code deleteGauges} every flush that reports a gauge it was touched in resets it, so the
   * next delta starts from 0: the values reported over all flushes add up to the deltas sent, even
   * while untouched gauges are deleted (and expire) between the writers' samples.
   */
  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void deltasReportedUnderDeleteGaugesAddUpToTheDeltasSent(boolean noBuffer) throws Exception {
    Aggregator a = aggregator(true, Duration.ofSeconds(10), noBuffer);
    List<FlushSnapshot> snapshots =
        race(
            a,
            thread ->
                new Writes() {
                  @Override
                  public String next(int i) {
                    return "+1";
                  }
                });

    double reported = 0;
    for (FlushSnapshot s : snapshots) {
      for (GaugePoint g : s.gauges()) {
        reported += g.value();
      }
    }
    assertThat(reported).isEqualTo((double) THREADS * PER_THREAD);
  }

  /**
   * Without deletion every delta adds to the same gauge, flushed or not: the last value is their
   * sum.
   */
  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void deltasAddUpAcrossFlushes(boolean noBuffer) throws Exception {
    Aggregator a = aggregator(false, Duration.ZERO, noBuffer);
    List<FlushSnapshot> snapshots =
        race(
            a,
            thread ->
                new Writes() {
                  @Override
                  public String next(int i) {
                    return "+1";
                  }
                });

    Map<String, Double> last = lastValues(snapshots);
    assertThat(last.values().stream().mapToDouble(Double::doubleValue).sum())
        .isEqualTo((double) THREADS * PER_THREAD);
  }

  /**
   * Each thread sets its own gauges to rising values while gauges expire after one idle interval:
   * every gauge ends at the last value set, and no flush reports an older value after a newer one.
   */
  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void lastSetValueIsReportedAndValuesNeverGoBack(boolean noBuffer) throws Exception {
    Aggregator a = aggregator(false, Duration.ofSeconds(10), noBuffer);
    List<FlushSnapshot> snapshots =
        race(
            a,
            thread ->
                new Writes() {
                  @Override
                  public String key(int i) {
                    return "g" + (thread + THREADS * (i % (GAUGES / THREADS)));
                  }

                  @Override
                  public String next(int i) {
                    return Integer.toString(1 + i / (GAUGES / THREADS));
                  }
                });

    Map<String, Double> last = new HashMap<>();
    for (FlushSnapshot s : snapshots) {
      for (GaugePoint g : s.gauges()) {
        Double before = last.put(g.key().toString(), g.value());
        assertThat(g.value())
            .as("%s after %s", g.key(), before)
            .isGreaterThanOrEqualTo(before == null ? 0 : before);
      }
    }
    assertThat(last).hasSize(GAUGES);
    assertThat(last.values()).containsOnly((double) PER_THREAD / (GAUGES / THREADS));
  }

  /** What one writer thread sends: a gauge key and the value as sent, for its i-th sample. */
  private interface Writes {
    default String key(int i) {
      return "g" + (i % GAUGES);
    }

    String next(int i);
  }

  private static Aggregator aggregator(boolean deleteGauges, Duration seriesTtl, boolean noBuffer) {
    AggregationConfig config =
        AggregationConfig.builder()
            .deleteIdleStats(false)
            .deleteGauges(deleteGauges)
            .seriesTtl(seriesTtl)
            .build();
    StatsConfig stats = noBuffer ? StatsConfig.defaults() : StatsConfig.buffered(64, 1000);
    return new Aggregator(config, stats, new StatsRegistry(), new StepClock(T0 + 1_000));
  }

  /**
   * Runs the writers against a flusher flushing back to back, and returns every snapshot in order.
   */
  private static List<FlushSnapshot> race(Aggregator a, IntFunction<Writes> writesOfThread)
      throws Exception {
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    List<Thread> writers = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      Writes writes = writesOfThread.apply(t);
      writers.add(
          new Thread(
              () -> {
                try (var writer = a.newWriter()) {
                  for (int i = 0; i < PER_THREAD; i++) {
                    writer.accept(gauge(writes.key(i), writes.next(i)));
                  }
                } catch (Throwable e) {
                  failures.add(e);
                }
              }));
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
              }
              snapshots.addAll(a.flush(start));
              snapshots.addAll(a.flush(start + 10_000));
            });
    AggregatorTestSupport.race(writers, flusher, done);
    assertThat(failures).isEmpty();
    return snapshots;
  }

  private static Map<String, Double> lastValues(List<FlushSnapshot> snapshots) {
    Map<String, Double> last = new HashMap<>();
    for (FlushSnapshot s : snapshots) {
      for (GaugePoint g : s.gauges()) {
        last.put(g.key().toString(), g.value());
      }
    }
    return last;
  }
}
