package io.hollerith.server.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** {@link StatsRegistry}: counters, gauges, help texts and the snapshot every reader uses. */
class StatsRegistryTest {

  private final StatsRegistry registry = new StatsRegistry();

  @Test
  void countersGoUpAndDownThroughHandlesAndNames() {
    StatsRegistry.Counter packets = registry.counter("udp", "packets_received");
    packets.incr();
    packets.incr(4);
    registry.incr("udp", "packets_received", 10);
    registry.decr("udp", "packets_received", 3);
    assertThat(registry.counter("udp", "packets_received")).isSameAs(packets);
    assertThat(packets.value()).isEqualTo(1 + 4 + 10 - 3);
    assertThat(registry.value("udp", "packets_received")).isEqualTo(12L);
    registry.decr("graphite", "queued", 2);
    assertThat(registry.value("graphite", "queued")).isEqualTo(-2L);
    assertThat(registry.value("udp", "unknown")).isNull();
    assertThat(registry.value("unknown", "packets_received")).isNull();
    assertThat(registry.isGauge("udp", "packets_received")).isFalse();
  }

  @Test
  void helpIsGivenOnceOrMadeFromTheName() {
    registry.counter("udp", "bad_lines_seen");
    registry.counter("http", "requests", "HTTP requests answered");
    registry.counter("http", "requests", "a later help text is ignored");
    registry.gauge("store", "backlog", "flushes waiting for the store", () -> 3);
    assertThat(registry.help("udp", "bad_lines_seen")).isEqualTo("udp bad lines seen");
    assertThat(registry.help("http", "requests")).isEqualTo("HTTP requests answered");
    assertThat(registry.help("store", "backlog")).isEqualTo("flushes waiting for the store");
    assertThat(registry.help("store", "missing")).isNull();
    assertThatThrownBy(() -> registry.counter("a", "b", null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void gaugesAreReadWhenReadWholeNumbersAsLongs() {
    AtomicReference<Double> level = new AtomicReference<>(2.0);
    registry.gauge("queue", "depth", "depth", level::get);
    assertThat(registry.value("queue", "depth")).isEqualTo(2L);
    level.set(2.5);
    assertThat(registry.value("queue", "depth")).isEqualTo(2.5);
    level.set(-0.0);
    assertThat(registry.value("queue", "depth")).isEqualTo(0L);
    level.set(1e16);
    assertThat(registry.value("queue", "depth"))
        .as("beyond exact longs of doubles")
        .isEqualTo(1e16);
    level.set(Double.POSITIVE_INFINITY);
    assertThat(registry.value("queue", "depth")).isEqualTo(Double.POSITIVE_INFINITY);
    registry.gauge(
        "queue",
        "broken",
        "throws",
        () -> {
          throw new IllegalStateException("closed");
        });
    assertThat(registry.value("queue", "broken")).isEqualTo(Double.NaN);
    assertThat(registry.isGauge("queue", "depth")).isTrue();
    registry.gauge("queue", "depth", "replaced", () -> 7);
    assertThat(registry.value("queue", "depth")).isEqualTo(7L);
    assertThat(registry.help("queue", "depth")).isEqualTo("replaced");
  }

  @Test
  void theSnapshotIsSortedFrozenAndHidesSeriesNamingCategoriesOnRequest() {
    registry.incr("udp", "packets_received", 2);
    registry.incr("aggregator", "metrics", 1);
    registry.incr("udp", "bad_lines_seen", 1);
    registry.gauge("aggregator", "live_series", "live series", () -> 5);
    registry.seriesNamingGauge("prefixes", "app_web", "series under app.web", () -> 9);
    Map<String, Map<String, Number>> all = registry.snapshot();
    assertThat(List.copyOf(all.keySet())).containsExactly("aggregator", "prefixes", "udp");
    assertThat(List.copyOf(all.get("udp").keySet()))
        .containsExactly("bad_lines_seen", "packets_received");
    assertThat(all.get("aggregator"))
        .containsExactly(Map.entry("live_series", 5L), Map.entry("metrics", 1L));
    assertThat(all.get("prefixes")).containsExactly(Map.entry("app_web", 9L));
    assertThat(registry.snapshot(false))
        .doesNotContainKey("prefixes")
        .containsKeys("aggregator", "udp");
    assertThatThrownBy(() -> all.put("x", Map.of()))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> all.get("udp").put("x", 1))
        .isInstanceOf(UnsupportedOperationException.class);
    registry.incr("udp", "packets_received", 1);
    assertThat(all.get("udp").get("packets_received")).as("a snapshot does not move").isEqualTo(2L);
  }

  @Test
  void concurrentIncrementsAreAllCounted() throws InterruptedException {
    Thread[] threads = new Thread[4];
    for (int t = 0; t < threads.length; t++) {
      threads[t] =
          new Thread(
              () -> {
                for (int i = 0; i < 25_000; i++) {
                  registry.incr("udp", "packets_received", 1);
                  registry.counter("tcp", "lines").incr();
                }
              });
      threads[t].start();
    }
    for (Thread t : threads) {
      t.join();
    }
    assertThat(registry.value("udp", "packets_received")).isEqualTo(100_000L);
    assertThat(registry.value("tcp", "lines")).isEqualTo(100_000L);
  }
}
