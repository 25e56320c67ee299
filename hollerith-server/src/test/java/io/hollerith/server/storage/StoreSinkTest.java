package io.hollerith.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hollerith.server.config.HollerithConfig;
import io.hollerith.server.config.StorageConfig;
import io.hollerith.server.flush.FlushSnapshot;
import io.hollerith.server.model.MetricKey;
import io.hollerith.server.model.MetricType;
import io.hollerith.server.stats.StatsRegistry;
import io.hollerith.server.testing.StepClock;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sink against a real SQLite store, built from configuration as the server does. */
class StoreSinkTest {

  @TempDir
  Path dir;

  private HollerithConfig config() {
    return new HollerithConfig("node-a", dir.toString(), null, null, null, null, null,
        new StorageConfig("sqlite", null, Duration.ofMinutes(1), null), null, null);
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
        sink.publish(SnapshotBuilder.at(t0 + i * 10_000).counter("c", i).gauge("g", i).build());
      }
      assertThat(sink.awaitDrained(Duration.ofSeconds(20))).isTrue();
      sink.close();
      assertThatThrownBy(() -> sink.publish(SnapshotBuilder.at(t0).build())).isInstanceOf(IllegalStateException.class);

      assertThat(stats.value("storage", "snapshots_written").longValue()
          + stats.value("storage", "snapshots_dropped").longValue()).isEqualTo(20);
      assertThat(stats.value("storage", "backlog_snapshots")).isEqualTo(0L);
      assertThat(stats.value("storage", "backlog_age_seconds")).isEqualTo(0L);
      assertThat(stats.value("storage", "backlog_capacity")).isEqualTo(6L);
      assertThat(stats.value("storage", "write_failures")).isEqualTo(0L);
      // The writer keeps up with 20 quick publishes on SQLite, but whatever it wrote is in order
      // and what it kept of the gauge is the newest value.
      long written = stats.value("storage", "snapshots_written").longValue();
      assertThat(store.readPoints(MetricKey.of("c"), MetricType.COUNTER, t0, t0 + 200_000)).hasSize((int) written);
      assertThat(store.loadGaugeValues("node-a")).extracting(FlushSnapshot.GaugePoint::key, FlushSnapshot.GaugePoint::value)
          .contains(org.assertj.core.groups.Tuple.tuple(MetricKey.of("g"), 19.0));
    }
  }
}
