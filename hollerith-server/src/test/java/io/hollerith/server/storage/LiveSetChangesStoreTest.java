package io.hollerith.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.hollerith.server.aggregate.Aggregator;
import io.hollerith.server.aggregate.AggregatorWriter;
import io.hollerith.server.config.AggregationConfig;
import io.hollerith.server.config.ProtocolConfig;
import io.hollerith.server.config.RetentionPolicy;
import io.hollerith.server.config.StatsConfig;
import io.hollerith.server.model.MetricType;
import io.hollerith.server.protocol.LineParser;
import io.hollerith.server.snapshot.FlushSnapshot;
import io.hollerith.server.snapshot.LiveSetChanges.SeriesRef;
import io.hollerith.server.stats.StatsRegistry;
import io.hollerith.server.testing.EmbeddedPostgresServer;
import io.hollerith.server.testing.StepClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A real aggregator's live snapshots, written once with their live-set changes (the store updates
 * its spans by the changes) and once without (it compares full lists, the behaviour the contract
 * tests pin), on two databases of the same engine: both must read back the same history, which must
 * be the interval each snapshot listed, with the value it listed. Series go idle, expire for the
 * series TTL and come back, a {@code del*} command removes one, the store is reopened mid-span (a
 * restart of the writer), the aggregator is replaced (a restart of the node), and one snapshot is
 * lost (a gap).
 */
class LiveSetChangesStoreTest {

  @RegisterExtension static final EmbeddedPostgresServer pg = new EmbeddedPostgresServer();

  private static final long T0 = 1_700_000_000_000L / 3_600_000L * 3_600_000L;
  private static final long TEN_S = 10_000;
  private static final int INTERVALS = 30;
  private static final String[] TYPES = {"c", "g", "ms", "s"};
  private static final int NAMES = 24;

  @TempDir Path dir;

  private final List<MetricStore> opened = new ArrayList<>();
  private StepClock clock;

  @AfterEach
  void closeStores() {
    opened.forEach(MetricStore::close);
  }

  static Stream<Arguments> enginesAndRules() {
    return Stream.of(
        Arguments.of("sqlite", false),
        Arguments.of("sqlite", true),
        Arguments.of("postgresql", false),
        Arguments.of("postgresql", true));
  }

  /** Opens (or reopens) database {@code name} of the engine. */
  private MetricStore open(String engine, String name) {
    StoreSettings settings =
        new StoreSettings(RetentionPolicy.parse(RetentionPolicy.DEFAULT), TEN_S, 50, clock);
    MetricStore store =
        engine.equals("sqlite")
            ? MetricStores.sqlite(dir.resolve(name + ".db"), "FULL", settings)
            : MetricStores.postgresql(pg.storageConfig(name), settings);
    opened.add(store);
    return store;
  }

  private Connection raw(String engine, String name) throws SQLException {
    if (engine.equals("sqlite")) {
      return DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(name + ".db"));
    }
    Connection c = pg.connect(name);
    c.createStatement().execute("SET search_path TO hollerith");
    return c;
  }

  private Aggregator aggregator(boolean etsyDeletes) {
    AggregationConfig config =
        AggregationConfig.builder()
            .flushInterval(Duration.ofMillis(TEN_S))
            .deleteIdleStats(etsyDeletes)
            .maxMetrics(1000)
            .seriesTtl(Duration.ofSeconds(30))
            .build();
    return new Aggregator(config, StatsConfig.defaults(), new StatsRegistry(), clock);
  }

  @ParameterizedTest(name = "{0}, idle deletion {1}")
  @MethodSource("enginesAndRules")
  void spansUpdatedByChangesReadAsSpansFromFullListsAndAsTheListedIntervals(
      String engine, boolean etsyDeletes) throws SQLException {
    clock = new StepClock(T0);
    String byChanges = engine.equals("sqlite") ? "changes" : pg.createNumberedDatabase("changes");
    String byLists = engine.equals("sqlite") ? "lists" : pg.createNumberedDatabase("lists");
    MetricStore changesStore = open(engine, byChanges);
    MetricStore listsStore = open(engine, byLists);
    Aggregator aggregator = aggregator(etsyDeletes);
    LineParser parser =
        new LineParser(new ProtocolConfig(null, null, null, null), new StatsRegistry());
    Random random = new Random(etsyDeletes ? 7 : 11);
    // The reference: per series, each interval a written snapshot listed it in, with the listed
    // value.
    Map<SeriesRef, Map<Long, Double>> expected = new LinkedHashMap<>();
    int fullComparisonsExpected = 1; // the first write
    long fullComparisons = 0;
    int writes = 0;
    for (int k = 0; k < INTERVALS; k++) {
      long start = T0 + k * TEN_S;
      if (k == 18) {
        aggregator = aggregator(etsyDeletes); // the node restarted: its live set starts empty
        fullComparisonsExpected++;
      }
      clock.set(start + TEN_S / 2);
      try (AggregatorWriter writer = aggregator.newWriter()) {
        byte[] lines = samples(random, k).getBytes(StandardCharsets.UTF_8);
        parser.parse(lines, 0, lines.length, writer);
      }
      if (k == 9) {
        assertThat(aggregator.liveView().delete(MetricType.COUNTER, "s0")).isTrue();
      }
      clock.set(start + TEN_S);
      List<FlushSnapshot> snapshots = aggregator.flush(start);
      FlushSnapshot live = snapshots.get(snapshots.size() - 1);
      assertThat(live.liveChanges()).isNotNull();
      if (k == 12) {
        fullComparisons += ((JdbcMetricStore) changesStore).liveSpanFullComparisons();
        changesStore.close(); // the store restarts mid-span
        changesStore = open(engine, byChanges);
        fullComparisonsExpected++;
      }
      if (k == 24) {
        fullComparisonsExpected++; // this snapshot is lost: the next one follows a gap
        continue;
      }
      writes++;
      assertThat(changesStore.write("n1", k, live)).isTrue();
      assertThat(listsStore.write("n1", k, live.withLiveChanges(null))).isTrue();
      record(expected, live);
    }
    // Full lists were compared only where changes could not apply: first write, restarts, the gap.
    fullComparisons += ((JdbcMetricStore) changesStore).liveSpanFullComparisons();
    assertThat(fullComparisons).isEqualTo(fullComparisonsExpected);
    assertThat(((JdbcMetricStore) listsStore).liveSpanFullComparisons()).isEqualTo(writes);
    long to = T0 + INTERVALS * TEN_S;
    for (Map.Entry<SeriesRef, Map<Long, Double>> e : expected.entrySet()) {
      SeriesRef ref = e.getKey();
      List<StoredPoint> changesPoints = changesStore.readPoints(ref.key(), ref.type(), T0, to);
      List<StoredPoint> listsPoints = listsStore.readPoints(ref.key(), ref.type(), T0, to);
      assertThat(valuesOf(ref.type(), changesPoints))
          .as("%s by changes", ref)
          .isEqualTo(e.getValue());
      assertThat(valuesOf(ref.type(), listsPoints))
          .as("%s by full lists", ref)
          .isEqualTo(e.getValue());
    }
    assertThat(spans(engine, byChanges)).isEqualTo(spans(engine, byLists)).isNotEmpty();
  }

  /**
   * About a third of the series get a sample; in intervals 4 to 7 none does, so every series
   * expires; counter {@code s0} gets one in intervals 8 and 9 (it is deleted in 9).
   */
  private static String samples(Random random, int k) {
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < NAMES; i++) {
      boolean quiet = k >= 4 && k < 8;
      boolean sampled = (i == 0 && (k == 8 || k == 9)) || (!quiet && random.nextInt(3) == 0);
      if (!sampled) {
        continue;
      }
      String type = TYPES[i % TYPES.length];
      String value =
          switch (type) {
            case "s" -> "m" + random.nextInt(5);
            case "g" -> Integer.toString(k * 100 + i);
            default -> Integer.toString(1 + random.nextInt(9));
          };
      lines.append('s').append(i).append(':').append(value).append('|').append(type).append('\n');
    }
    return lines.toString();
  }

  private static void record(Map<SeriesRef, Map<Long, Double>> expected, FlushSnapshot s) {
    long ts = s.intervalStartMillis();
    s.counters()
        .forEach(p -> put(expected, new SeriesRef(MetricType.COUNTER, p.key()), ts, p.count()));
    s.gauges().forEach(p -> put(expected, new SeriesRef(MetricType.GAUGE, p.key()), ts, p.value()));
    s.timers()
        .forEach(
            p ->
                put(
                    expected,
                    new SeriesRef(MetricType.TIMER, p.key()),
                    ts,
                    (double) p.stats().sampleCount()));
    s.sets()
        .forEach(
            p -> put(expected, new SeriesRef(MetricType.SET, p.key()), ts, (double) p.unique()));
  }

  private static void put(
      Map<SeriesRef, Map<Long, Double>> expected, SeriesRef ref, long ts, double value) {
    expected.computeIfAbsent(ref, r -> new LinkedHashMap<>()).put(ts, value);
  }

  private static Map<Long, Double> valuesOf(MetricType type, List<StoredPoint> points) {
    Map<Long, Double> out = new LinkedHashMap<>();
    for (StoredPoint p : points) {
      double v =
          switch (type) {
            case COUNTER -> p.count();
            case GAUGE -> p.last();
            case TIMER -> p.sampleCount();
            case SET -> p.unique();
          };
      out.put(p.timeMillis(), v);
    }
    return out;
  }

  /** Every span of node n1 as "type name since until". */
  private List<String> spans(String engine, String name) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = raw(engine, name);
        ResultSet rs =
            c.createStatement()
                .executeQuery(
                    "SELECT s.type, s.name, l.since, l.until FROM live_spans l"
                        + " JOIN series s ON s.id = l.series_id ORDER BY s.type, s.name, l.since")) {
      while (rs.next()) {
        long until = rs.getLong(4);
        out.add(
            rs.getString(1)
                + " "
                + rs.getString(2)
                + " "
                + rs.getLong(3)
                + " "
                + (rs.wasNull() ? "open" : until));
      }
    }
    return out;
  }
}
