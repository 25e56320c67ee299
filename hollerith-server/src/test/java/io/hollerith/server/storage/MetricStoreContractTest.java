package io.hollerith.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.InstanceOfAssertFactories.MAP;

import io.hollerith.server.config.RetentionPolicy;
import io.hollerith.server.jobs.Task;
import io.hollerith.server.jobs.TaskState;
import io.hollerith.server.jobs.TaskStore;
import io.hollerith.server.jobs.WorkerHeartbeats;
import io.hollerith.server.jobs.WorkerHeartbeats.Heartbeat;
import io.hollerith.server.model.MetricKey;
import io.hollerith.server.model.MetricType;
import io.hollerith.server.model.Tag;
import io.hollerith.server.query.SeriesRequest;
import io.hollerith.server.query.SeriesService;
import io.hollerith.server.sketch.QuantileSketch;
import io.hollerith.server.sketch.UniqueSketch;
import io.hollerith.server.snapshot.FlushSnapshot;
import io.hollerith.server.testing.StepClock;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link MetricStore} engine must have. Subclasses supply a fresh, empty
 * database per test ({@link #openStore}) that can be reopened within the test.
 */
abstract class MetricStoreContractTest {

  /** An hour-aligned instant, 2023-11-14T22:00:00Z. */
  static final long T0 = 1_700_000_000_000L / 3_600_000L * 3_600_000L;

  static final long TEN_S = 10_000;
  static final long MINUTE = 60_000;
  static final long HOUR = 3_600_000;

  protected StepClock clock;
  protected MetricStore store;

  /** Opens (or reopens) this test's database. */
  protected abstract MetricStore openStore(StoreSettings settings);

  /** A raw connection to this test's database with the metric tables on the search path. */
  protected abstract Connection rawConnection() throws SQLException;

  protected StoreSettings settings(String retention) {
    return new StoreSettings(RetentionPolicy.parse(retention), TEN_S, 50, clock);
  }

  @BeforeEach
  void openDefault() {
    clock = new StepClock(T0 + 3 * HOUR);
    store = openStore(settings(RetentionPolicy.DEFAULT));
  }

  @AfterEach
  void closeStore() {
    if (store != null) {
      store.close();
    }
  }

  protected void reopen(String retention) {
    store.close();
    store = openStore(settings(retention));
  }

  @Test
  void idleIntervalsNeitherPoisonTimerSumsNorMoveLastSeen() {
    store.write(
        "n1",
        1,
        SnapshotBuilder.at(T0)
            .timer("lat", 10)
            .gauge("temp", 5)
            .counter("hits", 1)
            .set("users", "a")
            .build());
    store.write(
        "n1",
        2,
        SnapshotBuilder.at(T0 + TEN_S)
            .idleTimer("lat")
            .idleGauge("temp", 5)
            .idleCounter("hits")
            .build());
    store.write("n1", 3, SnapshotBuilder.at(T0 + 2 * TEN_S).timer("lat", 30).build());
    store.write("n1", 4, SnapshotBuilder.at(T0 + 3 * TEN_S).idleTimer("lat").build());

    StoredPoint bucket =
        single(
            store.readBuckets(MetricKey.of("lat"), MetricType.TIMER, T0, T0 + MINUTE - 1, MINUTE));
    assertThat(bucket.sampleCount()).isEqualTo(2);
    assertThat(bucket.sum()).isEqualTo(10.0 + 30.0);
    assertThat(bucket.sumSquares()).isEqualTo(10.0 * 10 + 30.0 * 30);
    assertThat(bucket.min()).isEqualTo(10.0);
    assertThat(bucket.max()).isEqualTo(30.0);
    StoredPoint idleOnly =
        single(
            store.readBuckets(
                MetricKey.of("lat"), MetricType.TIMER, T0 + TEN_S, T0 + 2 * TEN_S - 1, TEN_S));
    assertThat(idleOnly.sum()).isNaN();

    assertThat(
            store.findSeries(MetricKey.of("lat"), MetricType.TIMER).orElseThrow().lastSeenMillis())
        .isEqualTo(T0 + 2 * TEN_S);
    assertThat(
            store.findSeries(MetricKey.of("temp"), MetricType.GAUGE).orElseThrow().lastSeenMillis())
        .isEqualTo(T0);
    assertThat(
            store
                .findSeries(MetricKey.of("hits"), MetricType.COUNTER)
                .orElseThrow()
                .lastSeenMillis())
        .isEqualTo(T0);
    assertThat(store.listSeries("users", null, null, 10))
        .singleElement()
        .satisfies(info -> assertThat(info.lastSeenMillis()).isEqualTo(T0));
  }

  @Test
  void writesEveryTypeAndReadsItBack() {
    FlushSnapshot s =
        SnapshotBuilder.at(T0)
            .counter("hits", 7.5)
            .gauge("temp", 21.25)
            .timer("latency", 1, 2, 3, 4, 100)
            .set("users", "a", "b", "c", "a")
            .build();
    assertThat(store.write("n1", 1, s)).isTrue();

    StoredPoint counter =
        single(store.readPoints(MetricKey.of("hits"), MetricType.COUNTER, T0, T0 + TEN_S));
    assertThat(counter.timeMillis()).isEqualTo(T0);
    assertThat(counter.resolutionMillis()).isEqualTo(TEN_S);
    assertThat(counter.count()).isEqualTo(7.5);

    StoredPoint gauge = single(store.readPoints(MetricKey.of("temp"), MetricType.GAUGE, T0, T0));
    assertThat(gauge.last()).isEqualTo(21.25);
    assertThat(gauge.min()).isEqualTo(21.25);
    assertThat(gauge.max()).isEqualTo(21.25);

    StoredPoint timer = single(store.readPoints(MetricKey.of("latency"), MetricType.TIMER, T0, T0));
    assertThat(timer.sampleCount()).isEqualTo(5);
    assertThat(timer.count()).isEqualTo(5);
    assertThat(timer.sum()).isEqualTo(110);
    assertThat(timer.sumSquares()).isEqualTo(1 + 4 + 9 + 16 + 10_000);
    assertThat(timer.min()).isEqualTo(1);
    assertThat(timer.max()).isEqualTo(100);
    assertThat(timer.sketch().quantile(1.0))
        .isCloseTo(100, within(100 * QuantileSketch.RELATIVE_ACCURACY));

    StoredPoint set = single(store.readPoints(MetricKey.of("users"), MetricType.SET, T0, T0));
    assertThat(set.unique()).isEqualTo(3);
    assertThat(set.uniqueSketch().uniqueCount()).isEqualTo(3);

    assertThat(store.readPoints(MetricKey.of("hits"), MetricType.GAUGE, T0, T0)).isEmpty();
    assertThat(store.readPoints(MetricKey.of("nope"), MetricType.COUNTER, T0, T0)).isEmpty();
  }

  @Test
  void findsAndListsSeriesByPrefixTypeAndCursor() {
    MetricKey tagged =
        MetricKey.of("api.requests", List.of(new Tag("env", "prod"), new Tag("canary", null)));
    store.write(
        "n1",
        1,
        SnapshotBuilder.at(T0)
            .counter(tagged, 1)
            .counter("api.requests", 2)
            .counter("api.errors", 3)
            .counter("db.queries", 4)
            .gauge("api.requests", 5)
            .build());
    store.write("n1", 2, SnapshotBuilder.at(T0 + 10 * MINUTE).counter("api.errors", 1).build());

    Optional<SeriesInfo> errors = store.findSeries(MetricKey.of("api.errors"), MetricType.COUNTER);
    assertThat(errors).isPresent();
    assertThat(errors.get().firstSeenMillis()).isEqualTo(T0);
    assertThat(errors.get().lastSeenMillis()).isEqualTo(T0 + 10 * MINUTE);
    assertThat(store.findSeries(MetricKey.of("api.errors"), MetricType.TIMER)).isEmpty();
    assertThat(store.findSeries(tagged, MetricType.COUNTER).orElseThrow().key()).isEqualTo(tagged);

    List<SeriesInfo> api = store.listSeries("api.", null, null, 100);
    assertThat(api)
        .extracting(i -> i.key().toString() + "/" + i.type().label())
        .containsExactly(
            "api.errors/counter",
            "api.requests/counter",
            "api.requests/gauge",
            "api.requests#canary,env:prod/counter");

    assertThat(store.listSeries("", MetricType.COUNTER, null, 100)).hasSize(4);
    assertThat(store.listSeries("api.", MetricType.GAUGE, null, 100)).hasSize(1);

    // Paging with the canonical key as cursor; a page never splits the two types of one key.
    List<SeriesInfo> page1 = store.listSeries("api.", null, null, 2);
    assertThat(page1)
        .extracting(i -> i.key().toString() + "/" + i.type().label())
        .containsExactly("api.errors/counter");
    List<SeriesInfo> page2 =
        store.listSeries("api.", null, page1.get(page1.size() - 1).key().canonical(), 2);
    assertThat(page2)
        .extracting(i -> i.key().toString() + "/" + i.type().label())
        .containsExactly("api.requests/counter", "api.requests/gauge");
    List<SeriesInfo> page3 =
        store.listSeries("api.", null, page2.get(page2.size() - 1).key().canonical(), 2);
    assertThat(page3)
        .extracting(i -> i.key().toString())
        .containsExactly("api.requests#canary,env:prod");
    // A key whose types fill more than the page comes whole.
    assertThat(store.listSeries("api.requests", null, null, 1)).hasSize(2);
    assertThat(store.listSeries("db.", null, null, 0)).isEmpty();
  }

  @Test
  void rewritingTheSameWriteIdChangesNothing() {
    FlushSnapshot s = SnapshotBuilder.at(T0).counter("hits", 5).build();
    assertThat(store.write("n1", 42, s)).isTrue();
    assertThat(store.write("n1", 42, s)).isFalse();
    assertThat(store.isWritten("n1", 42)).isTrue();
    assertThat(store.isWritten("n1", 43)).isFalse();
    assertThat(store.isWritten("n2", 42)).isFalse();
    assertThat(single(store.readPoints(MetricKey.of("hits"), MetricType.COUNTER, T0, T0)).count())
        .isEqualTo(5);
    assertThat(store.loadCounterTotals("n1")).containsEntry(MetricKey.of("hits"), 5.0);
  }

  @Test
  void aSecondSnapshotOfTheSameIntervalMergesIntoIt() {
    store.write(
        "n1",
        1,
        SnapshotBuilder.at(T0)
            .counter("c", 1)
            .gauge("g", 1)
            .timer("t", 1, 2, 3)
            .set("s", "a", "b")
            .build());
    store.write(
        "n1",
        2,
        SnapshotBuilder.backfill(T0)
            .counter("c", 2)
            .gauge("g", 9)
            .timer("t", 10, 20)
            .set("s", "b", "c", "d")
            .build());

    assertThat(single(store.readPoints(MetricKey.of("c"), MetricType.COUNTER, T0, T0)).count())
        .isEqualTo(3);
    StoredPoint g = single(store.readPoints(MetricKey.of("g"), MetricType.GAUGE, T0, T0));
    assertThat(g.last()).isEqualTo(9);
    assertThat(g.min()).isEqualTo(1);
    assertThat(g.max()).isEqualTo(9);
    StoredPoint t = single(store.readPoints(MetricKey.of("t"), MetricType.TIMER, T0, T0));
    assertThat(t.sampleCount()).isEqualTo(5);
    assertThat(t.sum()).isEqualTo(36);
    assertThat(t.min()).isEqualTo(1);
    assertThat(t.max()).isEqualTo(20);
    assertThat(t.sketch().count()).isEqualTo(5);
    StoredPoint s = single(store.readPoints(MetricKey.of("s"), MetricType.SET, T0, T0));
    assertThat(s.uniqueSketch().uniqueCount()).isEqualTo(4);
    assertThat(s.unique()).isEqualTo(4);
  }

  @Test
  void aSeriesListedTwiceInOneSnapshotIsMerged() {
    assertThat(
            store.write(
                "n1",
                1,
                SnapshotBuilder.at(T0)
                    .timer("t", 1, 2)
                    .timer("t", 3)
                    .counter("c", 1)
                    .counter("c", 2)
                    .build()))
        .isTrue();
    StoredPoint t = single(store.readPoints(MetricKey.of("t"), MetricType.TIMER, T0, T0));
    assertThat(t.sampleCount()).isEqualTo(3);
    assertThat(t.max()).isEqualTo(3);
    assertThat(single(store.readPoints(MetricKey.of("c"), MetricType.COUNTER, T0, T0)).count())
        .isEqualTo(3);
  }

  @Test
  void aNonFiniteValueLosesOnlyItsOwnPoint() {
    assertThat(
            store.write(
                "n1",
                1,
                SnapshotBuilder.at(T0)
                    .counter("bad", Double.NaN)
                    .counter("good", 1)
                    .gauge("inf", Double.POSITIVE_INFINITY)
                    .gauge("g", 2)
                    .build()))
        .isTrue();
    assertThat(store.readPoints(MetricKey.of("bad"), MetricType.COUNTER, T0, T0)).isEmpty();
    assertThat(store.readPoints(MetricKey.of("inf"), MetricType.GAUGE, T0, T0)).isEmpty();
    assertThat(single(store.readPoints(MetricKey.of("good"), MetricType.COUNTER, T0, T0)).count())
        .isEqualTo(1);
    assertThat(single(store.readPoints(MetricKey.of("g"), MetricType.GAUGE, T0, T0)).last())
        .isEqualTo(2);
  }

  @Test
  void counterTotalsAndGaugeValuesSurviveAReopen() {
    for (int i = 0; i < 3; i++) {
      store.write(
          "n1", i, SnapshotBuilder.at(T0 + i * TEN_S).counter("c", 10 + i).gauge("g", i).build());
    }
    store.write("n2", 1, SnapshotBuilder.at(T0).counter("c", 1000).gauge("g", 1000).build());
    // An older backfilled gauge value must not replace the newer one.
    store.write(
        "n1", 99, SnapshotBuilder.backfill(T0 - HOUR).gauge("g", -5).counter("c", 1).build());

    reopen(RetentionPolicy.DEFAULT);

    assertThat(store.loadCounterTotals("n1")).isEqualTo(Map.of(MetricKey.of("c"), 34.0));
    assertThat(gaugeValues("n1")).isEqualTo(Map.of(MetricKey.of("g"), 2.0));
    assertThat(store.loadCounterTotals("n2")).isEqualTo(Map.of(MetricKey.of("c"), 1000.0));
    assertThat(store.loadCounterTotals("nobody")).isEmpty();

    store.saveCounterTotals(
        "n1", Map.of(MetricKey.of("c"), 5.0, MetricKey.of("fresh"), 1.0), T0 + HOUR);
    store.saveGaugeValues("n1", Map.of(MetricKey.of("g"), 7.0), T0 + HOUR);
    store.saveGaugeValues("n1", Map.of(MetricKey.of("g"), 8.0), T0);
    reopen(RetentionPolicy.DEFAULT);
    assertThat(store.loadCounterTotals("n1"))
        .isEqualTo(Map.of(MetricKey.of("c"), 5.0, MetricKey.of("fresh"), 1.0));
    assertThat(gaugeValues("n1")).isEqualTo(Map.of(MetricKey.of("g"), 7.0));
    // Points written before the reopen are still there.
    assertThat(store.readPoints(MetricKey.of("c"), MetricType.COUNTER, T0, T0 + HOUR)).hasSize(3);
  }

  @Test
  void readsMergeThePartialsOfSeveralNodes() {
    store.write(
        "a",
        1,
        SnapshotBuilder.at(T0)
            .counter("c", 1)
            .gauge("g", 1)
            .timer("t", 1, 2)
            .set("s", "x", "y")
            .build());
    clock.advance(1);
    store.write(
        "b",
        1,
        SnapshotBuilder.at(T0)
            .counter("c", 2)
            .gauge("g", 2)
            .timer("t", 30)
            .set("s", "y", "z")
            .build());

    assertThat(single(store.readPoints(MetricKey.of("c"), MetricType.COUNTER, T0, T0)).count())
        .isEqualTo(3);
    StoredPoint t = single(store.readPoints(MetricKey.of("t"), MetricType.TIMER, T0, T0));
    assertThat(t.sampleCount()).isEqualTo(3);
    assertThat(t.max()).isEqualTo(30);
    assertThat(t.min()).isEqualTo(1);
    assertThat(single(store.readPoints(MetricKey.of("s"), MetricType.SET, T0, T0)).unique())
        .isEqualTo(3);
    StoredPoint g = single(store.readPoints(MetricKey.of("g"), MetricType.GAUGE, T0, T0));
    assertThat(g.min()).isEqualTo(1);
    assertThat(g.max()).isEqualTo(2);
    // Both wrote the same interval end; the tie goes to a deterministic winner that is one of them.
    assertThat(g.last()).isIn(1.0, 2.0);
  }

  /**
   * Each node re-sends the gauge it holds on every flush; the value set last must win in raw
   * points, buckets and rollups, whichever node flushed last or wrote the latest interval.
   */
  @Test
  void theGaugeValueSetLastWinsAcrossNodesNotTheOneFlushedLast() {
    // (node, interval, value, set time) as the two nodes flush them: n2 receives 20 at T0 + 1 s,
    // n1 receives 10 at T0 + 5 s, and n2 keeps re-sending its older 20 for two more minutes.
    List<Object[]> writes = new ArrayList<>();
    writes.add(new Object[] {"n1", T0, 10.0, T0 + 5_000});
    for (long ts = T0; ts < T0 + 3 * MINUTE; ts += TEN_S) {
      writes.add(new Object[] {"n2", ts, 20.0, T0 + 1_000});
    }
    writes.add(new Object[] {"n1", T0 + 2 * MINUTE, 30.0, T0 + 2 * MINUTE + 2_000});
    writes.add(new Object[] {"n2", T0 + 3 * MINUTE, 40.0, T0 + 3 * MINUTE + 1_000});
    long writeId = 0;
    for (Object[] w : writes) {
      store.write(
          (String) w[0],
          ++writeId,
          SnapshotBuilder.at((long) w[1]).gauge("g", (double) w[2], (long) w[3]).build());
    }
    // The reference: of the rows in a range, the value with the latest set time.
    BiFunction<Long, Long, Double> latestSet =
        (from, to) ->
            writes.stream()
                .filter(w -> (long) w[1] >= from && (long) w[1] < to)
                .max(Comparator.comparingLong(w -> (long) w[3]))
                .map(w -> (double) w[2])
                .orElseThrow();

    for (StoredPoint p :
        store.readPoints(MetricKey.of("g"), MetricType.GAUGE, T0, T0 + 3 * MINUTE)) {
      assertThat(p.last())
          .as("interval at %d", p.timeMillis() - T0)
          .isEqualTo(latestSet.apply(p.timeMillis(), p.timeMillis() + TEN_S));
    }
    List<StoredPoint> minutes =
        store.readBuckets(MetricKey.of("g"), MetricType.GAUGE, T0, T0 + 3 * MINUTE - 1, MINUTE);
    assertThat(minutes)
        .extracting(StoredPoint::last)
        .containsExactly(
            latestSet.apply(T0, T0 + MINUTE),
            latestSet.apply(T0 + MINUTE, T0 + 2 * MINUTE),
            latestSet.apply(T0 + 2 * MINUTE, T0 + 3 * MINUTE));
    assertThat(minutes.get(0).last()).isEqualTo(10.0);
    assertThat(minutes.get(2).last()).isEqualTo(30.0);

    // Rolled up into minutes and hours, the set time travels with the kept value.
    store.rollup(T0 + 3 * HOUR);
    List<StoredPoint> hour =
        store.readBuckets(MetricKey.of("g"), MetricType.GAUGE, T0, T0 + HOUR - 1, HOUR);
    assertThat(single(hour).last()).isEqualTo(latestSet.apply(T0, T0 + HOUR)).isEqualTo(40.0);
    assertThat(store.loadGaugeValues("n2"))
        .containsExactly(
            new FlushSnapshot.GaugePoint(MetricKey.of("g"), 40.0, false, T0 + 3 * MINUTE + 1_000));
  }

  @Test
  void bucketsMergeIntervalsAndOmitEmptyOnes() {
    for (int i = 0; i < 12; i++) {
      if (i == 7 || i == 8) {
        continue;
      }
      store.write(
          "n1", i, SnapshotBuilder.at(T0 + i * TEN_S).counter("c", i).timer("t", i + 1).build());
    }
    // 30 s buckets starting at T0 + 5 s: the first holds intervals 1-3, …
    List<StoredPoint> b =
        store.readBuckets(MetricKey.of("c"), MetricType.COUNTER, T0 + 5_000, T0 + 115_000, 30_000);
    assertThat(b)
        .extracting(StoredPoint::timeMillis)
        .containsExactly(T0 + 5_000, T0 + 35_000, T0 + 65_000, T0 + 95_000);
    assertThat(b)
        .extracting(StoredPoint::count)
        .containsExactly(1.0 + 2 + 3, 4.0 + 5 + 6, 9.0, 10.0 + 11);
    List<StoredPoint> t =
        store.readBuckets(MetricKey.of("t"), MetricType.TIMER, T0, T0 + 2 * MINUTE, MINUTE);
    assertThat(t).hasSize(2);
    assertThat(t.get(0).sampleCount()).isEqualTo(6);
    assertThat(t.get(0).max()).isEqualTo(6);
    assertThat(t.get(1).sampleCount()).isEqualTo(4);
    assertThat(t.get(1).resolutionMillis()).isEqualTo(TEN_S);
    assertThatThrownBy(() -> store.readBuckets(MetricKey.of("c"), MetricType.COUNTER, T0, T0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bucket width must be positive");
  }

  @Test
  void aRolledUpPointEqualsDirectAggregationOfTheSameSamples() {
    Random random = new Random(7);
    List<Double> all = new ArrayList<>();
    UniqueSketch allMembers = UniqueSketch.create();
    Set<String> distinct = new HashSet<>();
    double counterTotal = 0;
    double lastGauge = Double.NaN;
    double gaugeMin = Double.POSITIVE_INFINITY;
    double gaugeMax = Double.NEGATIVE_INFINITY;
    int intervals = 360; // one hour of 10 s flushes
    for (int i = 0; i < intervals; i++) {
      int n = 1 + random.nextInt(20);
      double[] values = new double[n];
      for (int j = 0; j < n; j++) {
        values[j] = 1 + random.nextInt(5000); // integers: sums stay exact in any order
        all.add(values[j]);
      }
      String[] members = new String[3];
      for (int j = 0; j < 3; j++) {
        members[j] = "u" + random.nextInt(500);
        allMembers.update(members[j]);
        distinct.add(members[j]);
      }
      double c = random.nextInt(100);
      counterTotal += c;
      lastGauge = random.nextInt(1000) - 500;
      gaugeMin = Math.min(gaugeMin, lastGauge);
      gaugeMax = Math.max(gaugeMax, lastGauge);
      String node = i % 2 == 0 ? "a" : "b";
      store.write(
          node,
          i,
          SnapshotBuilder.at(T0 + i * TEN_S)
              .timer("t", values)
              .set("s", members)
              .counter("c", c)
              .gauge("g", lastGauge)
              .build());
    }
    clock.set(T0 + 3 * HOUR);
    RollupReport report = store.rollup(clock.millis());
    assertThat(report.rowsWritten()).isGreaterThan(0);

    // A 1 h bucket over the hour reads the 1 h rollup rows (node partials merged).
    StoredPoint t =
        single(store.readBuckets(MetricKey.of("t"), MetricType.TIMER, T0, T0 + HOUR - 1, HOUR));
    assertThat(t.resolutionMillis()).isEqualTo(HOUR);
    double[] sorted = all.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    assertThat(t.sampleCount()).isEqualTo(sorted.length);
    assertThat(t.count()).isEqualTo(sorted.length);
    assertThat(t.sum()).isEqualTo(Arrays.stream(sorted).sum());
    assertThat(t.sumSquares()).isEqualTo(Arrays.stream(sorted).map(v -> v * v).sum());
    assertThat(t.min()).isEqualTo(sorted[0]);
    assertThat(t.max()).isEqualTo(sorted[sorted.length - 1]);
    for (double q : new double[] {0.5, 0.9, 0.99}) {
      double exact = sorted[(int) Math.floor(q * (sorted.length - 1))];
      assertThat(t.sketch().quantile(q))
          .as("p%s", q * 100)
          .isCloseTo(exact, within(exact * QuantileSketch.RELATIVE_ACCURACY * 1.0001));
    }

    StoredPoint s =
        single(store.readBuckets(MetricKey.of("s"), MetricType.SET, T0, T0 + HOUR - 1, HOUR));
    assertThat(s.resolutionMillis()).isEqualTo(HOUR);
    // HLL unions are estimates: within 3 standard errors (1.6% each) of the exact count and of a
    // single sketch fed every member.
    assertThat((double) s.unique())
        .isCloseTo(distinct.size(), within(distinct.size() * 3 * 0.0163))
        .isCloseTo(allMembers.estimate(), within(allMembers.estimate() * 3 * 0.0163));

    StoredPoint c =
        single(store.readBuckets(MetricKey.of("c"), MetricType.COUNTER, T0, T0 + HOUR - 1, HOUR));
    assertThat(c.count()).isEqualTo(counterTotal);
    StoredPoint g =
        single(store.readBuckets(MetricKey.of("g"), MetricType.GAUGE, T0, T0 + HOUR - 1, HOUR));
    assertThat(g.last()).isEqualTo(lastGauge);
    assertThat(g.min()).isEqualTo(gaugeMin);
    assertThat(g.max()).isEqualTo(gaugeMax);

    // The 1-minute level agrees with the 10 s points too.
    List<StoredPoint> minutes =
        store.readBuckets(MetricKey.of("c"), MetricType.COUNTER, T0, T0 + HOUR - 1, MINUTE);
    assertThat(minutes)
        .hasSize(60)
        .allSatisfy(p -> assertThat(p.resolutionMillis()).isEqualTo(MINUTE));
    assertThat(minutes.stream().mapToDouble(StoredPoint::count).sum()).isEqualTo(counterTotal);

    // A second pass finds nothing new to do.
    assertThat(store.rollup(clock.millis()).rowsWritten()).isZero();
  }

  @Test
  void aLateWriteIntoARolledUpBucketIsRolledUpAgain() {
    for (int i = 0; i < 6; i++) {
      store.write("n1", i, SnapshotBuilder.at(T0 + i * TEN_S).counter("c", 1).build());
    }
    clock.set(T0 + 2 * HOUR);
    store.rollup(clock.millis());
    assertThat(
            single(
                    store.readBuckets(
                        MetricKey.of("c"), MetricType.COUNTER, T0, T0 + MINUTE - 1, MINUTE))
                .count())
        .isEqualTo(6);
    store.write("n1", 100, SnapshotBuilder.backfill(T0 + 20_000).counter("c", 10).build());
    store.rollup(clock.millis());
    StoredPoint minute =
        single(
            store.readBuckets(MetricKey.of("c"), MetricType.COUNTER, T0, T0 + MINUTE - 1, MINUTE));
    assertThat(minute.resolutionMillis()).isEqualTo(MINUTE);
    assertThat(minute.count()).isEqualTo(16);
  }

  @Test
  void bucketsReadTheCoarsestFineEnoughResolutionAndFinerDataPastTheRollup() {
    for (int i = 0; i < 360 * 3; i++) {
      store.write("n1", i, SnapshotBuilder.at(T0 + i * TEN_S).counter("c", 1).build());
    }
    // Rolled up to T0 + 2 h for the hour level; the third hour exists only as 10 s and 1 min
    // points.
    clock.set(T0 + 3 * HOUR);
    store.rollup(clock.millis());
    List<StoredPoint> hours =
        store.readBuckets(MetricKey.of("c"), MetricType.COUNTER, T0, T0 + 3 * HOUR - 1, HOUR);
    assertThat(hours).extracting(StoredPoint::count).containsExactly(360.0, 360.0, 360.0);
    assertThat(hours.get(0).resolutionMillis()).isEqualTo(HOUR);
    assertThat(hours.get(2).resolutionMillis()).isLessThan(HOUR);
    // A 5 min bucket reads 1 min points; a 30 s bucket reads 10 s points.
    assertThat(
            store.readBuckets(MetricKey.of("c"), MetricType.COUNTER, T0, T0 + HOUR - 1, 5 * MINUTE))
        .hasSize(12)
        .allSatisfy(
            p -> {
              assertThat(p.resolutionMillis()).isEqualTo(MINUTE);
              assertThat(p.count()).isEqualTo(30);
            });
    assertThat(store.readBuckets(MetricKey.of("c"), MetricType.COUNTER, T0, T0 + HOUR - 1, 30_000))
        .hasSize(120)
        .allSatisfy(p -> assertThat(p.resolutionMillis()).isEqualTo(TEN_S));
    // readPoints: finest first, so the 10 s points.
    assertThat(store.readPoints(MetricKey.of("c"), MetricType.COUNTER, T0, T0 + HOUR - 1))
        .hasSize(360);
  }

  @Test
  void expiredRowsAreDeletedAndOlderRangesComeFromCoarserLevels() {
    reopen("10s:1h,1m:1d");
    for (int i = 0; i < 360; i++) {
      store.write("n1", i, SnapshotBuilder.at(T0 + i * TEN_S).counter("c", 2).build());
    }
    clock.set(T0 + 3 * HOUR); // the 10 s points (kept 1 h) are past retention
    RollupReport report = store.rollup(clock.millis());
    assertThat(report.rowsExpired()).isEqualTo(360);
    List<StoredPoint> points =
        store.readPoints(MetricKey.of("c"), MetricType.COUNTER, T0, T0 + HOUR - 1);
    assertThat(points)
        .hasSize(60)
        .allSatisfy(
            p -> {
              assertThat(p.resolutionMillis()).isEqualTo(MINUTE);
              assertThat(p.count()).isEqualTo(12);
            });
  }

  @Test
  void rollupWorksInSmallTransactions() {
    for (int i = 0; i < 12; i++) {
      SnapshotBuilder b = SnapshotBuilder.at(T0 + i * TEN_S);
      for (int s = 0; s < 120; s++) {
        b.counter("c" + s, 1);
      }
      store.write("n1", i, b.build());
    }
    clock.set(T0 + 3 * HOUR);
    RollupReport report = store.rollup(clock.millis());
    // 120 series at 50 per transaction, for the 1 min and the 1 h level, plus expiry.
    assertThat(report.transactions()).isGreaterThanOrEqualTo(6);
    assertThat(report.rowsRead()).isEqualTo(120 * 12 + 120 * 2);
  }

  @Test
  void measuresItsTables() {
    SnapshotBuilder b = SnapshotBuilder.at(T0);
    for (int i = 0; i < 200; i++) {
      b.counter("c" + i, i).timer("t" + i, i, i + 1);
    }
    store.write("n1", 1, b.build());
    List<TableSize> sizes = store.tableSizes();
    assertThat(sizes)
        .extracting(TableSize::table)
        .contains("series", "counter_points", "timer_points", "counter_totals", "write_log")
        .doesNotContain("sqlite_sequence");
    TableSize series =
        sizes.stream().filter(t -> t.table().equals("series")).findFirst().orElseThrow();
    assertThat(series.totalBytes()).isGreaterThan(series.dataBytes()).isPositive();
    assertThat(sizes.get(0).totalBytes())
        .isGreaterThanOrEqualTo(sizes.get(sizes.size() - 1).totalBytes());
    assertRowEstimate(sizes, "counter_points", 200);
  }

  /** Exact on SQLite; PostgreSQL's statistics may lag, so subclasses may relax this. */
  protected void assertRowEstimate(List<TableSize> sizes, String table, long rows) {
    assertThat(
            sizes.stream()
                .filter(t -> t.table().equals(table))
                .findFirst()
                .orElseThrow()
                .rowEstimate())
        .isEqualTo(rows);
  }

  @Test
  void startUpRefusesASchemaNewerThanThisBinary() throws SQLException {
    store.close();
    store = null;
    try (Connection c = rawConnection()) {
      c.setAutoCommit(true);
      c.createStatement()
          .executeUpdate(
              "INSERT INTO flyway_schema_history (installed_rank, version, description,"
                  + " type, script, checksum, installed_by, execution_time, success)"
                  + " VALUES (99, '99', 'from the future', 'SQL', 'V99__from_the_future.sql', 0, 'test', 1, true)");
    }
    assertThatThrownBy(() -> openStore(settings(RetentionPolicy.DEFAULT)))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining(
            "has schema version 99 (from the future), newer than this Hollerith understands (up to ")
        .hasMessageMatching("(?s).*understands \\(up to [1-9][0-9]*\\)\\..*");
  }

  /**
   * 10 s kept 1 h, 1 min kept 1 day: a series silent for a day and a minute outlived every level.
   */
  private static final String SHORT_RETENTION = "10s:1h,1m:1d";

  private static final long PAST_EVERY_LEVEL = T0 + 24 * HOUR + 2 * MINUTE;

  @Test
  void seriesThatOutliveEveryRetentionLevelAreDeletedWithTheirTotals() throws SQLException {
    reopen(SHORT_RETENTION);
    store.write(
        "n1",
        1,
        SnapshotBuilder.at(T0)
            .counter("old.c", 3)
            .gauge("old.g", 7)
            .timer("old.t", 1, 2)
            .set("old.s", "a")
            .counter("kept", 1)
            .build());
    store.write(
        "n1", 2, SnapshotBuilder.at(PAST_EVERY_LEVEL - 20 * TEN_S).counter("kept", 2).build());
    clock.set(PAST_EVERY_LEVEL);

    RollupReport report = store.rollup(clock.millis());

    assertThat(report.seriesExpired()).isEqualTo(4);
    assertThat(store.listSeries("", null, null, 100))
        .extracting(i -> i.key().name())
        .containsExactly("kept");
    assertThat(store.findSeries(MetricKey.of("old.c"), MetricType.COUNTER)).isEmpty();
    assertThat(store.findSeries(MetricKey.of("old.g"), MetricType.GAUGE)).isEmpty();
    assertThat(store.loadCounterTotals("n1")).isEqualTo(Map.of(MetricKey.of("kept"), 3.0));
    assertThat(gaugeValues("n1")).isEmpty();
    assertNoRowWithoutItsSeries();
    // A second pass has nothing left to delete.
    assertThat(store.rollup(clock.millis() + HOUR).seriesExpired()).isZero();

    // Written again, the series comes back as new: first seen now, only the new point, a fresh
    // total.
    long t1 = PAST_EVERY_LEVEL;
    store.write("n1", 3, SnapshotBuilder.at(t1).counter("old.c", 5).gauge("old.g", 8).build());
    SeriesInfo back = store.findSeries(MetricKey.of("old.c"), MetricType.COUNTER).orElseThrow();
    assertThat(back.firstSeenMillis()).isEqualTo(t1);
    assertThat(single(store.readPoints(MetricKey.of("old.c"), MetricType.COUNTER, T0, t1)).count())
        .isEqualTo(5);
    assertThat(single(store.readPoints(MetricKey.of("old.g"), MetricType.GAUGE, T0, t1)).last())
        .isEqualTo(8);
    assertThat(store.loadCounterTotals("n1")).containsEntry(MetricKey.of("old.c"), 5.0);
    assertThat(gaugeValues("n1")).isEqualTo(Map.of(MetricKey.of("old.g"), 8.0));
  }

  @Test
  void aWriteWithAnIdCachedBeforeAnotherStoreExpiredTheSeriesLandsOnTheRecreatedSeries()
      throws SQLException {
    reopen(SHORT_RETENTION);
    store.write(
        "n1",
        1,
        SnapshotBuilder.at(T0).counter("c", 3).gauge("g", 1).build()); // ids now cached here
    clock.set(PAST_EVERY_LEVEL);
    long t1 = PAST_EVERY_LEVEL;
    try (MetricStore other = openStore(settings(SHORT_RETENTION))) {
      assertThat(other.rollup(clock.millis()).seriesExpired()).isEqualTo(2);
      // New series created after the deletion: on SQLite they take the freed rowids, so a stale
      // cached id would now name one of them.
      other.write(
          "n2", 1, SnapshotBuilder.at(t1).counter("new.1", 100).counter("new.2", 200).build());

      store.write("n1", 2, SnapshotBuilder.at(t1).counter("c", 5).gauge("g", 2).build());

      for (MetricStore s : List.of(store, other)) {
        assertThat(single(s.readPoints(MetricKey.of("c"), MetricType.COUNTER, T0, t1)).count())
            .isEqualTo(5);
        assertThat(single(s.readPoints(MetricKey.of("g"), MetricType.GAUGE, T0, t1)).last())
            .isEqualTo(2);
        assertThat(single(s.readPoints(MetricKey.of("new.1"), MetricType.COUNTER, T0, t1)).count())
            .isEqualTo(100);
        assertThat(single(s.readPoints(MetricKey.of("new.2"), MetricType.COUNTER, T0, t1)).count())
            .isEqualTo(200);
        assertThat(
                s.findSeries(MetricKey.of("c"), MetricType.COUNTER).orElseThrow().firstSeenMillis())
            .isEqualTo(t1);
      }
      assertThat(store.loadCounterTotals("n1")).isEqualTo(Map.of(MetricKey.of("c"), 5.0));
      assertThat(gaugeValues("n1")).isEqualTo(Map.of(MetricKey.of("g"), 2.0));
      assertThat(other.loadCounterTotals("n2"))
          .isEqualTo(Map.of(MetricKey.of("new.1"), 100.0, MetricKey.of("new.2"), 200.0));
      assertNoRowWithoutItsSeries();
    }
  }

  @Test
  void aWriteStartedWhileSeriesAreBeingDeletedWaitsAndRecreatesThem() throws Exception {
    reopen(SHORT_RETENTION);
    store.write("n1", 1, SnapshotBuilder.at(T0).counter("c", 3).build());
    clock.set(PAST_EVERY_LEVEL);
    long t1 = PAST_EVERY_LEVEL;
    ExecutorService writer = Executors.newSingleThreadExecutor();
    try (Connection c = rawConnection()) {
      // What an expiry transaction does, held open: bump the epoch first, then delete.
      c.setAutoCommit(false);
      c.createStatement().executeUpdate("UPDATE series_epoch SET epoch = epoch + 1 WHERE id = 1");
      Future<Boolean> write =
          writer.submit(() -> store.write("n1", 2, SnapshotBuilder.at(t1).counter("c", 5).build()));
      Thread.sleep(300);
      assertThat(write).isNotDone();
      c.createStatement()
          .executeUpdate("DELETE FROM counter_points WHERE series_id IN (SELECT id FROM series)");
      c.createStatement()
          .executeUpdate("DELETE FROM counter_totals WHERE series_id IN (SELECT id FROM series)");
      c.createStatement()
          .executeUpdate("DELETE FROM live_spans WHERE series_id IN (SELECT id FROM series)");
      c.createStatement().executeUpdate("DELETE FROM series");
      c.commit();
      assertThat(write.get(10, TimeUnit.SECONDS)).isTrue();
    } finally {
      writer.shutdownNow();
    }
    assertThat(single(store.readPoints(MetricKey.of("c"), MetricType.COUNTER, T0, t1)).count())
        .isEqualTo(5);
    assertThat(
            store.findSeries(MetricKey.of("c"), MetricType.COUNTER).orElseThrow().firstSeenMillis())
        .isEqualTo(t1);
    assertThat(store.loadCounterTotals("n1")).isEqualTo(Map.of(MetricKey.of("c"), 5.0));
    assertNoRowWithoutItsSeries();
  }

  /** This node's stored gauge values, without their set times. */
  protected Map<MetricKey, Double> gaugeValues(String node) {
    Map<MetricKey, Double> out = new HashMap<>();
    store.loadGaugeValues(node).forEach(p -> out.put(p.key(), p.value()));
    return out;
  }

  /** No points, totals or gauge values refer to a series id that does not exist. */
  private void assertNoRowWithoutItsSeries() throws SQLException {
    try (Connection c = rawConnection()) {
      for (String table :
          List.of(
              "counter_points",
              "gauge_points",
              "timer_points",
              "set_points",
              "counter_totals",
              "gauge_values",
              "live_spans")) {
        try (var rs =
            c.createStatement()
                .executeQuery(
                    "SELECT count(*) FROM "
                        + table
                        + " WHERE series_id NOT IN (SELECT id FROM series)")) {
          rs.next();
          assertThat(rs.getLong(1)).as("orphan rows in " + table).isZero();
        }
      }
    }
  }

  static StoredPoint single(List<StoredPoint> points) {
    assertThat(points).hasSize(1);
    return points.get(0);
  }

  @Test
  void tasksAreSavedFoundListedNewestLastAndPruned() {
    TaskStore tasks = store.tasks();
    for (int i = 0; i < 5; i++) {
      tasks.save(task("a-" + i, "node-a", i, TaskState.SCHEDULED, null));
    }
    tasks.save(task("b-0", "node-b", 0, TaskState.RUNNING, null));
    tasks.save(task("a-4", "node-a", 4, TaskState.SUCCEEDED, "out"));

    assertThat(tasks.find("a-4")).hasValue(task("a-4", "node-a", 4, TaskState.SUCCEEDED, "out"));
    assertThat(tasks.find("b-0").orElseThrow().nodeId()).isEqualTo("node-b");
    assertThat(tasks.find("nothing")).isEmpty();
    assertThat(tasks.recent("node-a", 3)).extracting(Task::id).containsExactly("a-2", "a-3", "a-4");

    tasks.prune("node-a", 2);
    assertThat(tasks.recent("node-a", 10)).extracting(Task::id).containsExactly("a-3", "a-4");
    assertThat(tasks.recent("node-b", 10)).hasSize(1);
  }

  @Test
  void heartbeatsKeepTheLatestBeatOfEachNode() {
    WorkerHeartbeats beats = store.heartbeats();
    beats.beat("node-a", 1_000, "{\"n\":1}");
    beats.beat("node-b", 2_000, "{}");
    beats.beat("node-a", 3_000, "{\"n\":2}");
    store.write(
        "node-c", 1, SnapshotBuilder.at(T0).counter("c", 1).build()); // a node row without a beat
    assertThat(beats.since(0))
        .containsExactly(
            new Heartbeat("node-a", 3_000, "{\"n\":2}"), new Heartbeat("node-b", 2_000, "{}"));
    assertThat(beats.since(2_001)).extracting(Heartbeat::nodeId).containsExactly("node-a");
  }

  private static Task task(String id, String node, int minute, TaskState state, String output) {
    Instant due = Instant.ofEpochMilli(T0 + minute * MINUTE);
    return new Task(
        id,
        node,
        "job",
        state,
        due,
        state == TaskState.SCHEDULED ? null : due,
        state.isFinal() ? due.plusSeconds(1) : null,
        output,
        state == TaskState.FAILED ? "e" : null);
  }

  @Test
  void aSeriesRequestLooksTheKeyUpOnceInOneRead() {
    // Two intervals of 10 s: 4 and 6; the request asks for 20 s buckets and the summary over both.
    store.write("n1", 1, SnapshotBuilder.at(T0).counter("shop.orders", 4).build());
    store.write("n1", 2, SnapshotBuilder.at(T0 + TEN_S).counter("shop.orders", 6).build());
    AtomicInteger reads = new AtomicInteger();
    SeriesReader counting =
        new SeriesReader() {
          @Override
          public long finestPrecisionMillis() {
            return store.finestPrecisionMillis();
          }

          @Override
          public <T> T readSeries(MetricKey key, Function<StoredSeries, T> work) {
            reads.incrementAndGet();
            return store.readSeries(key, work);
          }

          @Override
          public List<SeriesInfo> listSeries(
              String prefix, MetricType type, String after, int limit) {
            reads.incrementAndGet();
            return store.listSeries(prefix, type, after, limit);
          }
        };
    Map<String, List<String>> params = new LinkedHashMap<>();
    params.put("metric", List.of("shop.orders"));
    params.put("startDate", List.of(Instant.ofEpochMilli(T0).toString()));
    params.put("endDate", List.of(Instant.ofEpochMilli(T0 + TEN_S).toString()));
    params.put("interval", List.of("20s"));
    var request = SeriesRequest.parse(params, null, 100_000, TEN_S);

    Map<String, Object> doc = new SeriesService(counting).series(request, name -> true);

    assertThat(reads).hasValue(1);
    @SuppressWarnings("unchecked")
    Map<String, Object> response = (Map<String, Object>) doc.get("response");
    @SuppressWarnings("unchecked")
    List<Object[]> values =
        (List<Object[]>) ((Map<String, Object>) response.get("series")).get("values");
    assertThat(values).hasSize(1);
    assertThat(values.get(0)[1]).isEqualTo(4.0 + 6.0);
    assertThat(response.get("summary"))
        .asInstanceOf(MAP)
        .containsEntry("count", 2)
        .containsEntry("totalTransactions", 4.0 + 6.0);
  }

  // ------------------------------------------------------------------ idle intervals: no rows,
  // same reads

  /**
   * What node n1 flushes in intervals 0..8 (10 s each): a counter's count, null where the series is
   * absent from the flush (not live), NaN where it is flushed idle.
   */
  private static final double[] HITS = {
    3, Double.NaN, Double.NaN, 2, Double.NaN, Double.NaN, 1, Double.NaN, 4
  };

  /**
   * Of the same flushes: present (live) or absent; interval 5 lists nothing of the three series.
   */
  private static final boolean[] LISTED = {true, true, true, true, true, false, true, true, true};

  /** Writes HITS, plus a timer and a set sampled where the counter is, idle where it is idle. */
  private void writeIdleHistory(String node, int firstId) {
    for (int k = 0; k < HITS.length; k++) {
      SnapshotBuilder b = SnapshotBuilder.at(T0 + k * TEN_S);
      if (LISTED[k] && Double.isNaN(HITS[k])) {
        b.idleCounter("hits").idleTimer("lat").set("users");
      } else if (LISTED[k]) {
        b.counter("hits", HITS[k]).timer("lat", HITS[k] * 10).set("users", "u" + k);
      } else {
        b.counter("other", 1);
      }
      store.write(node, firstId + k, b.build());
    }
  }

  private long rows(String table, String where) throws SQLException {
    try (Connection c = rawConnection();
        var rs =
            c.createStatement()
                .executeQuery(
                    "SELECT count(*) FROM "
                        + table
                        + " t JOIN series s"
                        + " ON s.id = t.series_id WHERE "
                        + where)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void idleIntervalsAreNotStoredYetReadAsZeroesAndEmptyIntervals() throws SQLException {
    writeIdleHistory("n1", 1);
    long to = T0 + HITS.length * TEN_S - 1;

    // Expected per interval, computed from the input: every listed interval is a point (0 when
    // idle).
    List<Long> times = new ArrayList<>();
    List<Double> counts = new ArrayList<>();
    for (int k = 0; k < HITS.length; k++) {
      if (LISTED[k]) {
        times.add(T0 + k * TEN_S);
        counts.add(Double.isNaN(HITS[k]) ? 0.0 : HITS[k]);
      }
    }
    List<StoredPoint> hits = store.readPoints(MetricKey.of("hits"), MetricType.COUNTER, T0, to);
    assertThat(hits).extracting(StoredPoint::timeMillis).containsExactlyElementsOf(times);
    assertThat(hits).extracting(StoredPoint::count).containsExactlyElementsOf(counts);
    List<StoredPoint> lat = store.readPoints(MetricKey.of("lat"), MetricType.TIMER, T0, to);
    assertThat(lat).extracting(StoredPoint::timeMillis).containsExactlyElementsOf(times);
    for (int i = 0; i < lat.size(); i++) {
      boolean idle = counts.get(i) == 0;
      assertThat(lat.get(i).sampleCount()).isEqualTo(idle ? 0 : 1);
      if (idle) {
        assertThat(lat.get(i).sum()).isNaN();
      } else {
        assertThat(lat.get(i).sum()).isEqualTo(counts.get(i) * 10);
      }
      assertThat(lat.get(i).sketch().isEmpty()).isEqualTo(idle);
    }
    List<StoredPoint> users = store.readPoints(MetricKey.of("users"), MetricType.SET, T0, to);
    assertThat(users).extracting(StoredPoint::timeMillis).containsExactlyElementsOf(times);
    assertThat(users)
        .extracting(StoredPoint::unique)
        .containsExactlyElementsOf(counts.stream().map(c -> c == 0 ? 0L : 1L).toList());

    // 20 s buckets: an idle-only bucket is 0, not missing; the bucket of interval 5 holds idle 4
    // only.
    List<StoredPoint> buckets =
        store.readBuckets(MetricKey.of("hits"), MetricType.COUNTER, T0, to, 2 * TEN_S);
    assertThat(buckets)
        .extracting(StoredPoint::count)
        .containsExactly(3.0 + 0, 0.0 + 2, 0.0, 1.0 + 0, 4.0);

    // Only what changed is stored: the sampled intervals.
    long sampled = Arrays.stream(HITS).filter(h -> !Double.isNaN(h)).count();
    assertThat(rows("counter_points", "s.name = 'hits'")).isEqualTo(sampled);
    assertThat(rows("timer_points", "s.name = 'lat'")).isEqualTo(sampled);
    assertThat(rows("set_points", "s.name = 'users'")).isEqualTo(sampled);
    // The running total (Prometheus' _total) is the sum of the counts.
    assertThat(store.loadCounterTotals("n1")).containsEntry(MetricKey.of("hits"), 3.0 + 2 + 1 + 4);
  }

  @Test
  void intervalsMissedWhileANodeWasAwayStayEmptyAfterItsRestart() throws SQLException {
    store.write("n1", 1, SnapshotBuilder.at(T0).counter("hits", 1).build());
    store.write("n1", 2, SnapshotBuilder.at(T0 + TEN_S).idleCounter("hits").build());
    reopen(RetentionPolicy.DEFAULT);
    // Two intervals not flushed (the node was down), then idle again.
    store.write("n1", 3, SnapshotBuilder.at(T0 + 4 * TEN_S).idleCounter("hits").build());
    store.write("n1", 4, SnapshotBuilder.at(T0 + 5 * TEN_S).counter("hits", 2).build());

    List<StoredPoint> hits =
        store.readPoints(MetricKey.of("hits"), MetricType.COUNTER, T0, T0 + 6 * TEN_S);
    assertThat(hits)
        .extracting(StoredPoint::timeMillis)
        .containsExactly(T0, T0 + TEN_S, T0 + 4 * TEN_S, T0 + 5 * TEN_S);
    assertThat(hits).extracting(StoredPoint::count).containsExactly(1.0, 0.0, 0.0, 2.0);
  }

  @Test
  void idleIntervalsOfSeveralNodesMergeAsTheirRowsDid() {
    // n1 samples only in interval 0 and then drops the counter; n2 holds it live and idle for
    // three.
    store.write("n1", 1, SnapshotBuilder.at(T0).counter("hits", 5).build());
    store.write("n1", 2, SnapshotBuilder.at(T0 + TEN_S).counter("other", 1).build());
    for (int k = 0; k < 3; k++) {
      store.write("n2", 10 + k, SnapshotBuilder.at(T0 + k * TEN_S).idleCounter("hits").build());
    }
    store.write("n2", 13, SnapshotBuilder.at(T0 + 3 * TEN_S).counter("hits", 7).build());

    List<StoredPoint> hits =
        store.readPoints(MetricKey.of("hits"), MetricType.COUNTER, T0, T0 + 4 * TEN_S);
    assertThat(hits).extracting(StoredPoint::count).containsExactly(5.0, 0.0, 0.0, 7.0);
    assertThat(
            single(
                    store.readBuckets(
                        MetricKey.of("hits"),
                        MetricType.COUNTER,
                        T0,
                        T0 + 4 * TEN_S - 1,
                        4 * TEN_S))
                .count())
        .isEqualTo(5.0 + 7);
  }

  @Test
  void rollupsWriteOnlyBucketsWithRowsAndIdleMinutesStillReadAsZero() throws SQLException {
    // Minute 0: a sample in its first interval, then idle; minute 1: idle throughout.
    for (int k = 0; k < 12; k++) {
      SnapshotBuilder b = SnapshotBuilder.at(T0 + k * TEN_S);
      if (k == 0) {
        b.counter("hits", 6).set("users", "a", "b");
      } else {
        b.idleCounter("hits").set("users");
      }
      store.write("n1", 1 + k, b.build());
    }
    store.rollup(clock.millis());

    assertThat(rows("counter_points", "s.name = 'hits' AND t.res = " + MINUTE)).isEqualTo(1);
    List<StoredPoint> minutes =
        store.readBuckets(
            MetricKey.of("hits"), MetricType.COUNTER, T0, T0 + 2 * MINUTE - 1, MINUTE);
    assertThat(minutes).extracting(StoredPoint::resolutionMillis).containsOnly(MINUTE);
    assertThat(minutes).extracting(StoredPoint::count).containsExactly(6.0, 0.0);
    List<StoredPoint> sets =
        store.readBuckets(MetricKey.of("users"), MetricType.SET, T0, T0 + 2 * MINUTE - 1, MINUTE);
    assertThat(sets).extracting(StoredPoint::unique).containsExactly(2L, 0L);
  }

  @Test
  void aSeriesLiveButIdleIsKeptUntilItsLastLiveIntervalPassesEveryRetention() {
    reopen(SHORT_RETENTION);
    store.write("n1", 1, SnapshotBuilder.at(T0).counter("quiet", 1).build());
    for (int k = 1; k < 60; k++) { // idle for ten minutes: no rows, last_seen stays at T0
      store.write("n1", 1 + k, SnapshotBuilder.at(T0 + k * TEN_S).idleCounter("quiet").build());
    }
    long liveUntil = T0 + 60 * TEN_S;
    // Expiry deletes what lies before now - 1 d - 1 min: still inside the live span.
    long now = liveUntil - MINUTE + 24 * HOUR + MINUTE;
    clock.set(now);
    assertThat(store.rollup(now).seriesExpired()).isZero();
    assertThat(store.findSeries(MetricKey.of("quiet"), MetricType.COUNTER)).isPresent();

    // An hour later (expiry runs hourly) the span's end is past it.
    clock.set(now + HOUR);
    assertThat(store.rollup(now + HOUR).seriesExpired()).isEqualTo(1);
    assertThat(store.findSeries(MetricKey.of("quiet"), MetricType.COUNTER)).isEmpty();
  }

  @Test
  void idleGaugeIntervalsAreNotStoredYetReadWithTheValueHeld() throws SQLException {
    // Per interval: a sample (value), idle (NaN: holds its value), or absent from the flush (null).
    Double[] samples = {5.0, Double.NaN, Double.NaN, 9.0, Double.NaN, null, 2.0};
    List<Double> expected = new ArrayList<>();
    double held = Double.NaN;
    for (int k = 0; k < samples.length; k++) {
      SnapshotBuilder b = SnapshotBuilder.at(T0 + k * TEN_S);
      if (samples[k] == null) {
        b.counter("other", 1);
      } else if (samples[k].isNaN()) {
        b.idleGauge("temp", held);
        expected.add(held);
      } else {
        b.gauge("temp", samples[k]);
        held = samples[k];
        expected.add(held);
      }
      store.write("n1", 1 + k, b.build());
    }
    List<StoredPoint> points =
        store.readPoints(MetricKey.of("temp"), MetricType.GAUGE, T0, T0 + MINUTE + TEN_S);
    assertThat(points).extracting(StoredPoint::last).containsExactlyElementsOf(expected);
    assertThat(points).extracting(StoredPoint::min).containsExactlyElementsOf(expected);
    assertThat(points).extracting(StoredPoint::max).containsExactlyElementsOf(expected);
    assertThat(rows("gauge_points", "s.name = 'temp'")).isEqualTo(3);

    store.rollup(clock.millis());
    // Minute 0 held 5, then 9: its minimum includes the value held before the change.
    List<StoredPoint> minutes =
        store.readBuckets(MetricKey.of("temp"), MetricType.GAUGE, T0, T0 + 2 * MINUTE - 1, MINUTE);
    assertThat(minutes).extracting(StoredPoint::resolutionMillis).containsOnly(MINUTE);
    assertThat(minutes)
        .extracting(StoredPoint::min, StoredPoint::max, StoredPoint::last)
        .containsExactly(Tuple.tuple(5.0, 9.0, 9.0), Tuple.tuple(2.0, 2.0, 2.0));
    assertThat(gaugeValues("n1")).isEqualTo(Map.of(MetricKey.of("temp"), 2.0));
  }
}
