package io.hollerith.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.hollerith.server.config.RetentionPolicy;
import io.hollerith.server.model.MetricKey;
import io.hollerith.server.model.MetricType;
import io.hollerith.server.sketch.QuantileSketch;
import io.hollerith.server.snapshot.FlushSnapshot;
import io.hollerith.server.stats.StatsRegistry;
import io.hollerith.server.testing.EmbeddedPostgresServer;
import io.hollerith.server.testing.StepClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Scaling out: two nodes with their own {@link StoreSink}s share one real PostgreSQL and each
 * receives half of one timer's samples; a third node that received all of them writes to its own
 * database. The merged reads (raw, bucketed and after rollups) give the same percentiles.
 */
class TwoNodeMergeTest {

  @RegisterExtension
  static final EmbeddedPostgresServer pg =
      new EmbeddedPostgresServer("CREATE DATABASE shared", "CREATE DATABASE single");

  @Test
  void twoNodesWithHalfTheSamplesEachReadLikeOneNodeWithAll() throws Exception {
    long t0 = MetricStoreContractTest.T0;
    StepClock clock = new StepClock(t0 + 3 * 3_600_000L);
    StoreSettings settings =
        new StoreSettings(RetentionPolicy.parse(RetentionPolicy.DEFAULT), 10_000, 50, clock);
    MetricKey timer = MetricKey.of("checkout.latency");
    MetricKey users = MetricKey.of("checkout.users");
    try (MetricStore nodeA = MetricStores.postgresql(pg.storageConfig("shared"), settings);
        MetricStore nodeB = MetricStores.postgresql(pg.storageConfig("shared"), settings);
        MetricStore single = MetricStores.postgresql(pg.storageConfig("single"), settings)) {
      StoreSink sinkA = sink(nodeA, "node-a", clock);
      StoreSink sinkB = sink(nodeB, "node-b", clock);
      StoreSink sinkAll = sink(single, "node-all", clock);
      Random random = new Random(3);
      List<Double> all = new ArrayList<>();
      for (int i = 0; i < 60; i++) { // ten minutes
        long start = t0 + i * 10_000L;
        List<Double> a = new ArrayList<>();
        List<Double> b = new ArrayList<>();
        List<String> membersA = new ArrayList<>();
        List<String> membersB = new ArrayList<>();
        for (int j = 0; j < 40; j++) {
          double v =
              Math.round(Math.exp(random.nextGaussian() * 1.2 + 4) * 1000)
                  / 1000.0; // log-normal ms
          String member = "user" + random.nextInt(300);
          if (random.nextBoolean()) {
            a.add(v);
            membersA.add(member);
          } else {
            b.add(v);
            membersB.add(member);
          }
          all.add(v);
        }
        List<Double> both = new ArrayList<>(a);
        both.addAll(b);
        List<String> bothMembers = new ArrayList<>(membersA);
        bothMembers.addAll(membersB);
        sinkA.publish(snapshot(start, timer, a, users, membersA));
        sinkB.publish(snapshot(start, timer, b, users, membersB));
        sinkAll.publish(snapshot(start, timer, both, users, bothMembers));
      }
      for (StoreSink s : List.of(sinkA, sinkB, sinkAll)) {
        assertThat(s.awaitDrained(Duration.ofSeconds(30))).isTrue();
        s.close();
      }

      long to = t0 + 600_000 - 1;
      // Every 10 s interval, and the whole ten minutes in one bucket.
      assertSame(
          nodeA.readPoints(timer, MetricType.TIMER, t0, to),
          single.readPoints(timer, MetricType.TIMER, t0, to));
      assertSame(
          nodeB.readBuckets(timer, MetricType.TIMER, t0, to, 600_000),
          single.readBuckets(timer, MetricType.TIMER, t0, to, 600_000));
      StoredPoint whole = nodeA.readBuckets(timer, MetricType.TIMER, t0, to, 600_000).get(0);
      assertThat(whole.sampleCount()).isEqualTo(all.size());
      double[] sorted = all.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      for (double q : new double[] {0.5, 0.9, 0.99}) {
        double exact = sorted[(int) Math.floor(q * (sorted.length - 1))];
        assertThat(whole.sketch().quantile(q))
            .isCloseTo(exact, within(exact * QuantileSketch.RELATIVE_ACCURACY * 1.0001));
      }
      assertThat(nodeA.readBuckets(users, MetricType.SET, t0, to, 600_000).get(0).unique())
          .isEqualTo(single.readBuckets(users, MetricType.SET, t0, to, 600_000).get(0).unique());

      // After rollups (run by one node on the shared database) the 1 min points still agree.
      nodeA.rollup(clock.millis());
      single.rollup(clock.millis());
      List<StoredPoint> merged = nodeB.readBuckets(timer, MetricType.TIMER, t0, to, 60_000);
      assertThat(merged)
          .hasSize(10)
          .allSatisfy(p -> assertThat(p.resolutionMillis()).isEqualTo(60_000));
      assertSame(merged, single.readBuckets(timer, MetricType.TIMER, t0, to, 60_000));
    }
  }

  private static StoreSink sink(MetricStore store, String node, StepClock clock) {
    return new StoreSink(
        store,
        node,
        Duration.ofSeconds(10),
        Duration.ofMinutes(30),
        Duration.ofSeconds(1),
        Duration.ofSeconds(10),
        new StatsRegistry(),
        clock,
        0);
  }

  private static FlushSnapshot snapshot(
      long start, MetricKey timer, List<Double> values, MetricKey set, List<String> members) {
    SnapshotBuilder b = SnapshotBuilder.at(start);
    if (!values.isEmpty()) {
      b.timer(timer, values.stream().mapToDouble(Double::doubleValue).toArray());
      b.set(set.name(), members.toArray(String[]::new));
    }
    return b.build();
  }

  /**
   * Same counts, extremes and percentiles; sums to rounding (they were added in a different order).
   */
  private static void assertSame(List<StoredPoint> merged, List<StoredPoint> single) {
    assertThat(merged).hasSameSizeAs(single);
    for (int i = 0; i < merged.size(); i++) {
      StoredPoint m = merged.get(i);
      StoredPoint s = single.get(i);
      assertThat(m.timeMillis()).isEqualTo(s.timeMillis());
      assertThat(m.sampleCount()).isEqualTo(s.sampleCount());
      assertThat(m.count()).isEqualTo(s.count());
      assertThat(m.min()).isEqualTo(s.min());
      assertThat(m.max()).isEqualTo(s.max());
      assertThat(m.sum()).isCloseTo(s.sum(), within(1e-9 * Math.abs(s.sum())));
      for (double q : new double[] {0.5, 0.9, 0.95, 0.99}) {
        assertThat(m.sketch().quantile(q))
            .as("p%s at %s", q * 100, m.timeMillis())
            .isEqualTo(s.sketch().quantile(q));
      }
    }
  }
}
