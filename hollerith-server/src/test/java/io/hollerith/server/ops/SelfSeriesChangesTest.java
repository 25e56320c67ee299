package io.hollerith.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.hollerith.server.flush.FlushSink;
import io.hollerith.server.model.MetricKey;
import io.hollerith.server.model.MetricType;
import io.hollerith.server.snapshot.FlushSnapshot;
import io.hollerith.server.snapshot.LiveSetChanges;
import io.hollerith.server.snapshot.LiveSetChanges.SeriesRef;
import io.hollerith.server.stats.StatName;
import io.hollerith.server.stats.StatsRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The self-series figures join the live-set changes of the snapshots they are added to. */
class SelfSeriesChangesTest {

  private final List<FlushSnapshot> published = new ArrayList<>();
  private final FlushSink capture =
      new FlushSink() {
        @Override
        public String name() {
          return "capture";
        }

        @Override
        public void publish(FlushSnapshot snapshot) {
          published.add(snapshot);
        }
      };

  private static FlushSnapshot live(long sequence, List<SeriesRef> joined) {
    FlushSnapshot.CounterPoint client =
        new FlushSnapshot.CounterPoint(MetricKey.of("hits"), 1, 0.1);
    return new FlushSnapshot(
        sequence * 10_000,
        10_000,
        false,
        List.of(client),
        List.of(),
        List.of(),
        List.of(),
        Map.of(),
        new LiveSetChanges(42, sequence, joined, List.of()));
  }

  @Test
  void figuresJoinOnceLeaveWhenGoneAndAreUnknownAfterAMissedSnapshot() throws Exception {
    StatsRegistry stats = new StatsRegistry();
    StatsRegistry.Counter packets = stats.counter(StatName.PACKETS_RECEIVED);
    double[] liveSeries = {1};
    stats.gauge(StatName.LIVE_SERIES, "live series", () -> liveSeries[0]);
    SelfSeriesSink sink = new SelfSeriesSink(capture, "hollerith.", stats);
    SeriesRef hits = new SeriesRef(MetricType.COUNTER, MetricKey.of("hits"));
    SeriesRef packetsRef =
        new SeriesRef(MetricType.COUNTER, MetricKey.of("hollerith.packets_received"));
    SeriesRef liveRef = new SeriesRef(MetricType.GAUGE, MetricKey.of("hollerith.live_series"));

    packets.incr();
    sink.publish(live(1, List.of(hits)));
    assertThat(published.get(0).liveChanges().joined())
        .containsExactlyInAnyOrder(hits, packetsRef, liveRef);

    liveSeries[0] = Double.NaN; // a figure without a value is left out: it leaves the listing
    sink.publish(live(2, List.of()));
    assertThat(published.get(1).liveChanges().joined()).isEmpty();
    assertThat(published.get(1).liveChanges().left()).containsExactly(liveRef);

    // Snapshot 3 never reached this sink: what its figures were is unknown, so no changes.
    liveSeries[0] = 1;
    sink.publish(live(4, List.of()));
    assertThat(published.get(2).liveChanges()).isNull();
    sink.publish(live(5, List.of()));
    assertThat(published.get(3).liveChanges().joined()).isEmpty();
  }
}
