package io.hollerith.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.hollerith.server.config.HollerithConfig;
import io.hollerith.server.config.StorageConfig;
import io.hollerith.server.model.MetricKey;
import io.hollerith.server.model.MetricType;
import io.hollerith.server.snapshot.FlushSnapshot;
import io.hollerith.server.stats.StatsRegistry;
import io.hollerith.server.testing.StepClock;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.stream.IntStream;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The sink against a real SQLite store, built from configuration as the server does. */
class StoreSinkTest {

  @TempDir Path dir;

  private HollerithConfig config() {
    return new HollerithConfig(
        "node-a",
        dir.toString(),
        null,
        null,
        null,
        null,
        null,
        new StorageConfig("sqlite", null, Duration.ofMinutes(1), null),
        null,
        null);
  }

  @Test
  void writesEverySnapshotInOrderAndReportsItsBacklog() throws Exception {
    StepClock clock = new StepClock(MetricStoreContractTest.T0 + 3_600_000);
    StatsRegistry stats = new StatsRegistry();
    HollerithConfig config = config();
    try (MetricStore store = MetricStores.open(config, clock)) {
      StoreSink sink = StoreSink.create(config, store, stats, clock);
      assertThat(sink.capacity()).isEqualTo(6);
      assertThat(sink.name()).isEqualTo("store");
      long t0 = MetricStoreContractTest.T0;
      for (int i = 0; i < 20; i++) {
        sink.publish(SnapshotBuilder.at(t0 + i * 10_000L).counter("c", i).gauge("g", i).build());
      }
      assertThat(sink.awaitDrained(Duration.ofSeconds(20))).isTrue();
      sink.close();
      assertThatThrownBy(() -> sink.publish(SnapshotBuilder.at(t0).build()))
          .isInstanceOf(IllegalStateException.class);

      assertThat(
              stats.value("storage", "snapshots_written").longValue()
                  + stats.value("storage", "snapshots_dropped").longValue())
          .isEqualTo(20);
      assertThat(stats.value("storage", "backlog_snapshots")).isEqualTo(0L);
      assertThat(stats.value("storage", "backlog_age_seconds")).isEqualTo(0L);
      assertThat(stats.value("storage", "backlog_capacity")).isEqualTo(6L);
      assertThat(stats.value("storage", "write_failures")).isEqualTo(0L);
      // The writer keeps up with 20 quick publishes on SQLite, but whatever it wrote is in order
      // and what it kept of the gauge is the newest value.
      long written = stats.value("storage", "snapshots_written").longValue();
      assertThat(store.readPoints(MetricKey.of("c"), MetricType.COUNTER, t0, t0 + 200_000))
          .hasSize((int) written);
      assertThat(store.loadGaugeValues("node-a"))
          .extracting(FlushSnapshot.GaugePoint::key, FlushSnapshot.GaugePoint::value)
          .contains(Tuple.tuple(MetricKey.of("g"), 19.0));
    }
  }

  @Test
  void nonFiniteValuesAreCountedAndWarnedAboutOnceAMinuteNotOncePerSeries() throws Exception {
    StepClock clock = new StepClock(MetricStoreContractTest.T0 + 3_600_000);
    StatsRegistry stats = new StatsRegistry();
    HollerithConfig config = config();
    Logger sinkLog = (Logger) LoggerFactory.getLogger(StoreSink.class);
    Logger storeLog = (Logger) LoggerFactory.getLogger(SnapshotWriter.class);
    ListAppender<ILoggingEvent> warnings = new ListAppender<>();
    warnings.start();
    sinkLog.addAppender(warnings);
    storeLog.addAppender(warnings);
    try (MetricStore store = MetricStores.open(config, clock)) {
      StoreSink sink = StoreSink.create(config, store, stats, clock);
      long t0 = MetricStoreContractTest.T0;
      for (int flush = 0; flush < 4; flush++) {
        if (flush == 3) {
          clock.advance(StoreSink.NON_FINITE_WARNING_INTERVAL_MILLIS);
        }
        SnapshotBuilder snapshot = SnapshotBuilder.at(t0 + flush * 10_000L).gauge("finite", flush);
        for (int i = 0; i < 500; i++) {
          snapshot.gauge(
              "huge." + i, i % 2 == 0 ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY);
        }
        sink.publish(snapshot.counter("nan", Double.NaN).build());
      }
      assertThat(sink.awaitDrained(Duration.ofSeconds(20))).isTrue();
      sink.close();
      assertThat(stats.value("storage", "non_finite_values_skipped")).isEqualTo(4L * 501);
      assertThat(warnings.list)
          .extracting(ILoggingEvent::getFormattedMessage)
          .containsExactly(
              "not storing 501 counters and gauges of interval "
                  + t0
                  + " whose value is not a finite number, e.g. "
                  + "counter nan = NaN (0 such warnings suppressed before; all are counted in "
                  + "storage.non_finite_values_skipped)",
              "not storing 501 counters and gauges of interval "
                  + (t0 + 30_000)
                  + " whose value is not a finite "
                  + "number, e.g. counter nan = NaN (2 such warnings suppressed before; all are counted in "
                  + "storage.non_finite_values_skipped)");
      assertThat(store.loadGaugeValues("node-a"))
          .extracting(FlushSnapshot.GaugePoint::key)
          .containsExactly(MetricKey.of("finite"));
    } finally {
      sinkLog.detachAppender(warnings);
      storeLog.detachAppender(warnings);
    }
  }

  @Test
  void backfillSnapshotsHaveTheirOwnBoundAndNeverPushLiveOnesOut() throws Exception {
    StepClock clock = new StepClock(MetricStoreContractTest.T0 + 3_600_000);
    StatsRegistry stats = new StatsRegistry();
    HollerithConfig config = config();
    long t0 = MetricStoreContractTest.T0 + 1_800_000;
    try (MetricStore store = MetricStores.open(config, clock)) {
      StoreSink sink = StoreSink.create(config, store, stats, clock);
      int capacity = sink.capacity();
      int backfills = capacity + 3;
      // Another connection holds SQLite's write lock: the writer waits in its first write, so the
      // queue only grows until the lock is released.
      try (Connection lock =
          DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(MetricStores.SQLITE_FILE))) {
        lock.createStatement().execute("BEGIN IMMEDIATE");
        for (int i = 0; i < capacity - 1; i++) {
          sink.publish(SnapshotBuilder.at(t0 + i * 10_000L).counter("live", i + 1).build());
        }
        // One flush releases more backfilled intervals than the bound.
        for (int i = 0; i < backfills; i++) {
          sink.publish(
              SnapshotBuilder.backfill(t0 - (backfills - i) * 10_000L).counter("late", 1).build());
        }
        assertThat(stats.value("storage", "snapshots_dropped")).isEqualTo(0L);
        assertThat(stats.value("storage", "backfill_snapshots_dropped"))
            .isEqualTo((long) backfills - capacity);
        lock.createStatement().execute("ROLLBACK");
      }
      assertThat(sink.awaitDrained(Duration.ofSeconds(30))).isTrue();
      sink.close();

      // Every live interval was written; of the backfilled ones, the newest `capacity`.
      assertThat(
              store.readPoints(
                  MetricKey.of("live"), MetricType.COUNTER, t0, t0 + capacity * 10_000L))
          .extracting(p -> p.count())
          .containsExactlyElementsOf(
              IntStream.rangeClosed(1, capacity - 1).mapToObj(i -> (double) i).toList());
      assertThat(
              store.readPoints(
                  MetricKey.of("late"), MetricType.COUNTER, t0 - backfills * 10_000L, t0))
          .extracting(p -> p.timeMillis())
          .containsExactlyElementsOf(
              IntStream.range(backfills - capacity, backfills)
                  .mapToObj(i -> t0 - (backfills - i) * 10_000L)
                  .toList());
    }
  }
}
