package io.hollerith.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hollerith.server.config.RetentionPolicy;
import io.hollerith.server.model.MetricKey;
import io.hollerith.server.model.MetricType;
import io.hollerith.server.stats.StatsRegistry;
import io.hollerith.server.testing.EmbeddedPostgresServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stops a real PostgreSQL under a running {@link StoreSink} and starts it again on the same data
 * directory and port: the backlog waits, is reported, and drains in order; past the bound the
 * oldest snapshots are dropped and counted, and nothing else is lost.
 */
class StoreSinkOutageTest {

  @TempDir Path dataDir;

  private EmbeddedPostgres start(int port) throws Exception {
    EmbeddedPostgres.Builder b =
        EmbeddedPostgres.builder().setDataDirectory(dataDir).setCleanDataDirectory(false);
    if (port > 0) {
      b.setPort(port);
    }
    return b.start();
  }

  @Test
  void aBacklogWaitsOutAnOutageAndDrainsInOrder() throws Exception {
    EmbeddedPostgres pg = start(0);
    int port = pg.getPort();
    long t0 =
        System.currentTimeMillis() / 3_600_000 * 3_600_000; // inside the 10 s retention window
    StoreSettings settings =
        new StoreSettings(
            RetentionPolicy.parse(RetentionPolicy.DEFAULT), 10_000, 50, Clock.systemUTC());
    StatsRegistry stats = new StatsRegistry();
    MetricStore store =
        MetricStores.postgresql(
            EmbeddedPostgresServer.storageConfig(pg, EmbeddedPostgresServer.POSTGRES), settings);
    // Capacity 4 snapshots; retries back off to at most 200 ms.
    StoreSink sink =
        new StoreSink(
            store,
            "node-a",
            Duration.ofSeconds(10),
            Duration.ofSeconds(40),
            Duration.ofMillis(200),
            Duration.ofSeconds(5),
            stats,
            Clock.systemUTC(),
            0);
    try {
      for (int i = 0; i < 3; i++) {
        sink.publish(
            SnapshotBuilder.at(t0 + i * 10_000L).counter("c", 1).timer("t", i + 1).build());
      }
      assertThat(sink.awaitDrained(Duration.ofSeconds(20))).isTrue();
      assertThat(sink.writerState().failing()).isFalse();
      assertThat(sink.writerState().lastSuccessMillis()).isNotEqualTo(StoreSink.NEVER);

      long outageStart = System.currentTimeMillis();
      pg.close(); // outage 1: fewer snapshots than the bound
      for (int i = 3; i < 6; i++) {
        sink.publish(
            SnapshotBuilder.at(t0 + i * 10_000L).counter("c", 1).timer("t", i + 1).build());
      }
      await("a failed write")
          .atMost(Duration.ofSeconds(20))
          .until(() -> stats.value("storage", "write_failures").longValue() > 0);
      await("the backlog to be a second old")
          .atMost(Duration.ofSeconds(20))
          .until(() -> stats.value("storage", "backlog_age_seconds").doubleValue() >= 1.0);
      assertThat(sink.backlog()).isEqualTo(3);
      assertThat(stats.value("storage", "backlog_snapshots")).isEqualTo(3L);
      assertThat(stats.value("storage", "backlog_age_seconds").doubleValue())
          .isGreaterThanOrEqualTo(1.0);
      // The writer's own observation, for health checks that must not wait for the database.
      StoreSink.WriterState down = sink.writerState();
      assertThat(down.failing()).isTrue();
      assertThat(down.failingSinceMillis()).isBetween(outageStart, System.currentTimeMillis());
      assertThat(down.backlog()).isEqualTo(3);

      pg = start(port);
      assertThat(sink.awaitDrained(Duration.ofSeconds(30))).isTrue();
      assertThat(counts(store, t0)).containsExactly(1.0, 1.0, 1.0, 1.0, 1.0, 1.0);
      assertThat(sink.writerState().failing()).isFalse();
      assertThat(stats.value("storage", "snapshots_dropped")).isEqualTo(0L);

      pg.close(); // outage 2: nine snapshots against a bound of four queued (+ one in flight)
      for (int i = 6; i < 15; i++) {
        sink.publish(
            SnapshotBuilder.at(t0 + i * 10_000L).counter("c", 1).timer("t", i + 1).build());
        Thread.sleep(50);
      }
      long dropped = stats.value("storage", "snapshots_dropped").longValue();
      assertThat(dropped).isBetween(4L, 5L);
      assertThat(sink.backlog()).isEqualTo(9 - (int) dropped);
      pg = start(port);
      assertThat(sink.awaitDrained(Duration.ofSeconds(30))).isTrue();

      List<StoredPoint> points =
          store.readPoints(MetricKey.of("c"), MetricType.COUNTER, t0, t0 + 15 * 10_000L);
      // The first of outage 2 went in flight before the queue filled; the oldest queued ones were
      // dropped;
      // the newest four are all there, and nothing is doubled.
      assertThat(points).hasSize(15 - (int) dropped);
      assertThat(points).allSatisfy(p -> assertThat(p.count()).isEqualTo(1.0));
      assertThat(points.subList(points.size() - 4, points.size()))
          .extracting(StoredPoint::timeMillis)
          .containsExactly(t0 + 110_000, t0 + 120_000, t0 + 130_000, t0 + 140_000);
      assertThat(store.loadCounterTotals("node-a"))
          .containsEntry(MetricKey.of("c"), 15.0 - dropped);
      assertThat(stats.value("storage", "snapshots_written")).isEqualTo(15L - dropped);
    } finally {
      sink.close();
      store.close();
      pg.close();
    }
  }

  private static List<Double> counts(MetricStore store, long t0) {
    return store.readPoints(MetricKey.of("c"), MetricType.COUNTER, t0, t0 + 3_600_000).stream()
        .map(StoredPoint::count)
        .toList();
  }
}
