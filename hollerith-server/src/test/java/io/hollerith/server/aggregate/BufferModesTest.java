package io.hollerith.server.aggregate;

import static io.hollerith.server.aggregate.AggregatorTestSupport.T0;
import static io.hollerith.server.aggregate.AggregatorTestSupport.buffered;
import static io.hollerith.server.aggregate.AggregatorTestSupport.counts;
import static io.hollerith.server.aggregate.AggregatorTestSupport.gauges;
import static io.hollerith.server.aggregate.AggregatorTestSupport.sets;
import static io.hollerith.server.aggregate.AggregatorTestSupport.timers;
import static io.hollerith.server.aggregate.AggregatorTestSupport.unbuffered;
import static io.hollerith.server.protocol.TestSamples.counter;
import static io.hollerith.server.protocol.TestSamples.gauge;
import static io.hollerith.server.protocol.TestSamples.set;
import static io.hollerith.server.protocol.TestSamples.timer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.hollerith.server.config.AggregationConfig;
import io.hollerith.server.config.StatsConfig;
import io.hollerith.server.model.MetricType;
import io.hollerith.server.protocol.Sample;
import io.hollerith.server.snapshot.FlushSnapshot;
import io.hollerith.server.stats.StatsRegistry;
import io.hollerith.server.testing.StepClock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.Test;

/**
 * {@code stats.no_buffer} true and false flush identical results for the same input, with
 * concurrent writers.
 */
class BufferModesTest {

  private static final int THREADS = 4;
  private static final int SAMPLES_PER_THREAD = 20_000;
  private static final double[] RATES = {1, 0.5, 0.25};

  /**
   * Each thread's input: a seeded mix over shared and per-thread keys. Values are integers and
   * rates powers of two, so sums are exact whatever order threads interleave in; gauge sets go to
   * per-thread keys (a set is order-dependent across threads), shared gauges get deltas only.
   */
  private static List<Sample> input(int thread) {
    Random r = new Random(1000 + thread);
    List<Sample> out = new ArrayList<>(SAMPLES_PER_THREAD);
    for (int i = 0; i < SAMPLES_PER_THREAD; i++) {
      int key = r.nextInt(50);
      switch (r.nextInt(6)) {
        case 0 -> out.add(counter("c.shared" + key, r.nextInt(100) - 20, RATES[r.nextInt(3)]));
        case 1 -> out.add(counter("c.t" + thread + "." + key, r.nextInt(10)));
        case 2 -> out.add(timer("t.shared" + (key % 10), r.nextInt(1000), RATES[r.nextInt(3)]));
        case 3 ->
            out.add(gauge("g.shared" + (key % 5), (r.nextBoolean() ? "+" : "-") + r.nextInt(50)));
        case 4 ->
            out.add(
                gauge(
                    "g.t" + thread + "." + (key % 5),
                    r.nextBoolean() ? Integer.toString(r.nextInt(50)) : "+" + r.nextInt(5)));
        default -> out.add(set("s.shared" + (key % 7), "m" + r.nextInt(300)));
      }
    }
    return out;
  }

  private static FlushSnapshot run(StatsConfig statsConfig) throws Exception {
    AggregationConfig config = AggregatorTestSupport.config(List.of(90.0, -25.0, 50.0), null, null);
    Aggregator a =
        new Aggregator(config, statsConfig, new StatsRegistry(), new StepClock(T0 + 1_000));
    List<List<Sample>> inputs = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      inputs.add(input(t));
    }
    CyclicBarrier start = new CyclicBarrier(THREADS);
    List<Thread> threads = new ArrayList<>();
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    // Writers stay open (as ingest threads' writers do) so flush must collect their pending
    // batches.
    List<AggregatorWriter> writers = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      writers.add(a.newWriter());
    }
    for (int t = 0; t < THREADS; t++) {
      List<Sample> in = inputs.get(t);
      AggregatorWriter w = writers.get(t);
      Thread thread =
          new Thread(
              () -> {
                try {
                  start.await();
                  for (Sample s : in) {
                    w.accept(s);
                  }
                } catch (Throwable e) {
                  failures.add(e);
                }
              });
      thread.start();
      threads.add(thread);
    }
    for (Thread thread : threads) {
      thread.join();
    }
    assertThat(failures).isEmpty();
    List<FlushSnapshot> out = a.flush(T0);
    assertThat(out).hasSize(1);
    return out.get(0);
  }

  @Test
  void bufferedAndUnbufferedFlushIdenticalResults() throws Exception {
    FlushSnapshot direct = run(unbuffered());
    FlushSnapshot batched =
        run(buffered(97)); // odd size: merges happen mid-stream and some stay pending

    assertThat(counts(batched)).isEqualTo(counts(direct));
    assertThat(gauges(batched)).isEqualTo(gauges(direct));
    assertThat(sets(batched)).isEqualTo(sets(direct));
    assertThat(timers(batched)).isEqualTo(timers(direct));
    assertThat(direct.counters()).hasSize(50 + THREADS * 50);
    assertThat(direct.timers()).hasSize(10);

    // Independent check of one shared counter against a single-threaded sum of the inputs.
    double expected = 0;
    for (int t = 0; t < THREADS; t++) {
      for (Sample s : input(t)) {
        if (s.toMetricKey().name().equals("c.shared7")) {
          expected += s.value() * (1 / s.sampleRate());
        }
      }
    }
    assertThat(counts(direct)).contains(entry("c.shared7", expected));
  }

  @Test
  void bufferedSamplesBecomeVisibleWhenMergedUnbufferedAtOnce() {
    Aggregator direct =
        new Aggregator(
            AggregationConfig.defaults(), unbuffered(), new StatsRegistry(), new StepClock(T0));
    direct.newWriter().accept(counter("hits", 1));
    assertThat(direct.liveView().counters()).containsExactly(entry("hits", 1.0));

    StatsRegistry stats = new StatsRegistry();
    Aggregator batched =
        new Aggregator(AggregationConfig.defaults(), buffered(3), stats, new StepClock(T0));
    var w = batched.newWriter();
    w.accept(counter("hits", 1));
    w.accept(counter("hits", 1));
    assertThat(batched.liveView().counters()).isEmpty(); // batch pending: nothing applied yet
    w.accept(counter("hits", 1)); // buffer_size reached: merged
    assertThat(batched.liveView().counters()).containsExactly(entry("hits", 3.0));
    w.accept(counter("hits", 1));
    batched.mergeBuffers(); // what the flusher runs every flush_interval_ms
    assertThat(batched.liveView().counters()).containsExactly(entry("hits", 4.0));
    assertThat(stats.value("aggregate", "buffer_merges")).isEqualTo(2L);
  }

  @Test
  void bufferedSamplesForASeriesDeletedBeforeTheMergeAreNotLost() {
    Aggregator a =
        new Aggregator(
            AggregationConfig.defaults(), buffered(100), new StatsRegistry(), new StepClock(T0));
    var w = a.newWriter();
    w.accept(counter("hits", 2));
    a.liveView().delete(MetricType.COUNTER, "hits");
    w.accept(counter("hits", 3));
    assertThat(counts(a.flush(T0).get(0))).containsExactly(entry("hits", 5.0));
  }
}
