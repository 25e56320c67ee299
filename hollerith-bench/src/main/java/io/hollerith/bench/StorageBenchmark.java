package io.hollerith.bench;

import io.hollerith.server.config.StorageConfig;
import io.hollerith.server.flush.FlushSnapshot;
import io.hollerith.server.flush.TimerStats;
import io.hollerith.server.model.MetricKey;
import io.hollerith.server.model.MetricType;
import io.hollerith.server.sketch.QuantileSketch;
import io.hollerith.server.sketch.UniqueSketch;
import io.hollerith.server.storage.MetricStore;
import io.hollerith.server.storage.MetricStores;
import io.hollerith.server.storage.RetentionPolicy;
import io.hollerith.server.storage.RollupReport;
import io.hollerith.server.storage.StoreSettings;
import io.hollerith.server.storage.StoredPoint;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Storage figures for BENCHMARKS.md, as a plain main (each measurement is seconds long and
 * I/O-bound, so JMH's forking and warm-up add little): write throughput per type and engine, bytes
 * per stored point, reading 30 days of 10 s points of one series into 1 h buckets (raw and after
 * rollups), and one rollup pass over {@code --rollup-series} series.
 *
 * <p>Options: {@code --engines sqlite,postgresql} {@code --snapshots 30} {@code --series 2000}
 * {@code --rollup-series 10000} {@code --rollup-hours 1}. PostgreSQL runs embedded (zonky) unless
 * {@code --pg-url jdbc:postgresql://…} {@code --pg-user …} is given (each run uses a fresh database
 * created through that connection, so the user needs CREATEDB).
 */
public final class StorageBenchmark {

  private static final long TEN_S = 10_000;
  private static final long HOUR = 3_600_000;
  private static final long DAY = 24 * HOUR;

  private final Map<String, String> opts;
  private final Path work;
  private EmbeddedPostgres pg;
  private int databases;

  private StorageBenchmark(Map<String, String> opts, Path work) {
    this.opts = opts;
    this.work = work;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    Path work = Files.createTempDirectory("hollerith-storage-bench");
    StorageBenchmark bench = new StorageBenchmark(opts, work);
    try {
      bench.run();
    } finally {
      if (bench.pg != null) {
        bench.pg.close();
      }
    }
  }

  private int opt(String name, int def) {
    return Integer.parseInt(opts.getOrDefault(name, Integer.toString(def)));
  }

  private void run() throws Exception {
    List<String> engines = Arrays.asList(opts.getOrDefault("engines", "sqlite,postgresql").split(","));
    int snapshots = opt("snapshots", 30);
    int series = opt("series", 2000);
    System.out.printf(Locale.ROOT, "java %s, %d cores, %s%n", System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"));
    for (String engine : engines) {
      if (!engine.equals("sqlite") && !engine.equals("postgresql")) {
        continue;
      }
      System.out.printf(Locale.ROOT, "%n== %s: write throughput (%d snapshots x %d series of one type, one"
          + " transaction per snapshot) and bytes per stored point%n", engine, snapshots, series);
      for (MetricType type : MetricType.values()) {
        writeThroughput(engine, type, snapshots, series);
      }
      System.out.printf(Locale.ROOT, "%n== %s: read 30 days of 10 s points of one series into 1 h buckets%n", engine);
      for (MetricType type : List.of(MetricType.COUNTER, MetricType.TIMER)) {
        readLatency(engine, type);
      }
    }
    if (engines.contains("sqlite") || engines.contains("rollup")) {
      rollupCost("sqlite", opt("rollup-series", 10_000), opt("rollup-hours", 1));
    }
  }

  // ---------------------------------------------------------------- stores

  /** A fresh store (new SQLite file or new PostgreSQL database) and how to reach it raw. */
  private record Fresh(MetricStore store, String rawUrl) {}

  private Fresh open(String engine, String retention, Clock clock) throws Exception {
    StoreSettings settings = new StoreSettings(RetentionPolicy.parse(retention), TEN_S, 200, clock);
    String name = "bench" + (++databases);
    if (engine.equals("sqlite")) {
      Path file = work.resolve(name + ".db");
      return new Fresh(MetricStores.sqlite(file, "FULL", settings), "jdbc:sqlite:" + file);
    }
    String url;
    String user = opts.getOrDefault("pg-user", "postgres");
    String adminUrl;
    if (opts.containsKey("pg-url")) {
      adminUrl = opts.get("pg-url");
      url = adminUrl.replaceFirst("/[^/?]*(\\?|$)", "/" + name + "$1");
    } else {
      if (pg == null) {
        try {
          pg = EmbeddedPostgres.builder().start();
        } catch (NoClassDefFoundError e) {
          throw new IllegalStateException("embedded PostgreSQL is not on the classpath (it is a provided dependency):"
              + " pass --pg-url and --pg-user, or run with the Maven build classpath", e);
        }
      }
      adminUrl = pg.getJdbcUrl(user, "postgres");
      url = pg.getJdbcUrl(user, name);
    }
    try (Connection c = DriverManager.getConnection(adminUrl, user, opts.get("pg-password"))) {
      c.createStatement().executeUpdate("CREATE DATABASE " + name);
    }
    StorageConfig.Postgresql cfg = new StorageConfig.Postgresql(url, user, opts.get("pg-password"), null, null, 4);
    return new Fresh(MetricStores.postgresql(cfg, settings), url);
  }

  private Connection raw(String engine, String url) throws SQLException {
    Connection c = DriverManager.getConnection(url, engine.equals("sqlite") ? null : opts.getOrDefault("pg-user",
        "postgres"), engine.equals("sqlite") ? null : opts.get("pg-password"));
    if (!engine.equals("sqlite")) {
      c.createStatement().execute("SET search_path TO hollerith");
    }
    return c;
  }

  // ---------------------------------------------------------------- snapshots

  private static double[] samples(Random r, int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = Math.round(Math.exp(r.nextGaussian() * 1.2 + 4) * 1000) / 1000.0;
    }
    return v;
  }

  private static FlushSnapshot.TimerPoint timer(MetricKey key, double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    double sum = 0;
    double sq = 0;
    QuantileSketch sketch = QuantileSketch.create();
    for (double v : sorted) {
      sum += v;
      sq += v * v;
      sketch.accept(v);
    }
    int n = sorted.length;
    TimerStats stats = new TimerStats(n, n, n / 10.0, sorted[0], sorted[n - 1], sum, sq, sum / n, sorted[n / 2], 0,
        List.of(), Map.of());
    return new FlushSnapshot.TimerPoint(key, stats, sketch);
  }

  private static FlushSnapshot snapshot(long start, MetricType type, int series, Random r, String prefix) {
    List<FlushSnapshot.CounterPoint> counters = new ArrayList<>();
    List<FlushSnapshot.GaugePoint> gauges = new ArrayList<>();
    List<FlushSnapshot.TimerPoint> timers = new ArrayList<>();
    List<FlushSnapshot.SetPoint> sets = new ArrayList<>();
    for (int s = 0; s < series; s++) {
      MetricKey key = MetricKey.of(prefix + ".metric" + s);
      switch (type) {
        case COUNTER -> counters.add(new FlushSnapshot.CounterPoint(key, r.nextInt(1000), 0));
        case GAUGE -> gauges.add(new FlushSnapshot.GaugePoint(key, r.nextDouble() * 100));
        case TIMER -> timers.add(timer(key, samples(r, 20)));
        case SET -> {
          UniqueSketch u = UniqueSketch.create();
          for (int m = 0; m < 30; m++) {
            u.update("user" + r.nextInt(10_000));
          }
          sets.add(new FlushSnapshot.SetPoint(key, u.uniqueCount(), u));
        }
      }
    }
    return new FlushSnapshot(start, TEN_S, false, counters, gauges, timers, sets, Map.of());
  }

  // ---------------------------------------------------------------- measurements

  private void writeThroughput(String engine, MetricType type, int snapshots, int series) throws Exception {
    long t0 = System.currentTimeMillis() / HOUR * HOUR - HOUR;
    Fresh f = open(engine, RetentionPolicy.DEFAULT, Clock.systemUTC());
    try (MetricStore store = f.store()) {
      Random r = new Random(1);
      store.write("bench", -1, snapshot(t0 - TEN_S, type, series, r, type.label())); // creates the series
      List<FlushSnapshot> batch = new ArrayList<>();
      for (int i = 0; i < snapshots; i++) {
        batch.add(snapshot(t0 + i * TEN_S, type, series, r, type.label()));
      }
      long start = System.nanoTime();
      for (int i = 0; i < snapshots; i++) {
        store.write("bench", i, batch.get(i));
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      long points = (long) snapshots * series;
      try (Connection c = raw(engine, f.rawUrl())) {
        String table = type.label() + "_points";
        long rows = count(c, "SELECT count(*) FROM " + table);
        long bytes = engine.equals("sqlite")
            ? count(c, "SELECT sum(pgsize) FROM dbstat WHERE name = '" + table + "'")
            : count(c, "SELECT pg_total_relation_size('hollerith." + table + "')");
        System.out.printf(Locale.ROOT, "%-8s %9.0f points/s  (%d points in %.2f s, %.1f ms per %d-series snapshot)"
                + "  %6.1f bytes/point%n", type.label(), points / seconds, points, seconds, seconds * 1000 / snapshots,
            series, (double) bytes / rows);
      }
    }
  }

  private static long count(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Loads 30 days of 10 s points of one series straight into the points table (setup, not measured). */
  private void load30Days(String engine, Fresh f, MetricType type, long end) throws Exception {
    MetricKey key = MetricKey.of("read." + type.label());
    long start = end - 30 * DAY;
    Random r = new Random(2);
    List<FlushSnapshot.TimerPoint> timers = new ArrayList<>();
    List<FlushSnapshot.CounterPoint> counters = new ArrayList<>();
    if (type == MetricType.TIMER) {
      timers.add(timer(key, samples(r, 20)));
    } else {
      counters.add(new FlushSnapshot.CounterPoint(key, 1, 0.1));
    }
    f.store().write("bench", -1, new FlushSnapshot(start, TEN_S, false, counters, List.of(), timers, List.of(), Map.of()));
    try (Connection c = raw(engine, f.rawUrl())) {
      c.setAutoCommit(false);
      long seriesId = count(c, "SELECT id FROM series WHERE name = '" + key.name() + "'");
      long nodeId = count(c, "SELECT id FROM nodes WHERE name = 'bench'");
      String sql = type == MetricType.TIMER
          ? "INSERT INTO timer_points (series_id, res, ts, node_id, count, sample_count, sum, sum_squares, min, max,"
              + " sketch) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"
          : "INSERT INTO counter_points (series_id, res, ts, node_id, count) VALUES (?, ?, ?, ?, ?)"
              + " ON CONFLICT DO NOTHING";
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        int n = 0;
        for (long ts = start; ts < end; ts += TEN_S) {
          ps.setLong(1, seriesId);
          ps.setLong(2, TEN_S);
          ps.setLong(3, ts);
          ps.setLong(4, nodeId);
          if (type == MetricType.TIMER) {
            FlushSnapshot.TimerPoint t = timer(key, samples(r, 20));
            ps.setDouble(5, 20);
            ps.setLong(6, 20);
            ps.setDouble(7, t.stats().sum());
            ps.setDouble(8, t.stats().sumSquares());
            ps.setDouble(9, t.stats().lower());
            ps.setDouble(10, t.stats().upper());
            ps.setBytes(11, t.sketch().toBytes());
          } else {
            ps.setDouble(5, r.nextInt(100));
          }
          ps.addBatch();
          if (++n % 10_000 == 0) {
            ps.executeBatch();
          }
        }
        ps.executeBatch();
      }
      // The store refreshes last_seen on its own writes; this loader bypassed it.
      c.createStatement().executeUpdate("UPDATE series SET last_seen = " + (end - TEN_S));
      c.commit();
    }
  }

  private void readLatency(String engine, MetricType type) throws Exception {
    long end = System.currentTimeMillis() / HOUR * HOUR;
    Clock clock = Clock.fixed(Instant.ofEpochMilli(end), ZoneOffset.UTC);
    MetricKey key = MetricKey.of("read." + type.label());
    // Raw: a policy keeping 10 s points for 31 days, so 259,200 rows are read and merged.
    Fresh raw = open(engine, "10s:31d", clock);
    try (MetricStore store = raw.store()) {
      load30Days(engine, raw, type, end);
      time(engine + " " + type.label() + " raw 10 s rows", store, key, type, end);
    }
    // Default policy after a rollup: the 1 h level answers.
    Fresh rolled = open(engine, RetentionPolicy.DEFAULT, clock);
    try (MetricStore store = rolled.store()) {
      load30Days(engine, rolled, type, end);
      long start = System.nanoTime();
      RollupReport report = store.rollup(end);
      System.out.printf(Locale.ROOT, "  (rollup of the 30 days: %.2f s, %d rows read, %d written, %d expired)%n",
          (System.nanoTime() - start) / 1e9, report.rowsRead(), report.rowsWritten(), report.rowsExpired());
      time(engine + " " + type.label() + " after rollups", store, key, type, end);
    }
  }

  private static void time(String label, MetricStore store, MetricKey key, MetricType type, long end) {
    long[] nanos = new long[7];
    int buckets = 0;
    long res = 0;
    for (int i = 0; i < nanos.length; i++) {
      long start = System.nanoTime();
      List<StoredPoint> points = store.readBuckets(key, type, end - 30 * DAY, end - 1, HOUR);
      nanos[i] = System.nanoTime() - start;
      buckets = points.size();
      res = points.isEmpty() ? 0 : points.get(0).resolutionMillis();
    }
    long[] measured = Arrays.copyOfRange(nanos, 2, nanos.length); // first two are warm-up
    Arrays.sort(measured);
    System.out.printf(Locale.ROOT, "%-40s median %7.1f ms  min %7.1f ms  (%d buckets, read at %d s resolution)%n",
        label, measured[measured.length / 2] / 1e6, measured[0] / 1e6, buckets, res / 1000);
  }

  private void rollupCost(String engine, int series, int hours) throws Exception {
    long end = System.currentTimeMillis() / HOUR * HOUR;
    long start = end - hours * HOUR;
    java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong(end + 5 * 60_000);
    Clock clock = new Clock() {
      @Override
      public long millis() {
        return now.get();
      }

      @Override
      public Instant instant() {
        return Instant.ofEpochMilli(now.get());
      }

      @Override
      public java.time.ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(java.time.ZoneId zone) {
        return this;
      }
    };
    System.out.printf(Locale.ROOT, "%n== %s: one rollup pass over %d series x %d h of 10 s points"
        + " (70%% counters, 10%% gauges, 15%% timers, 5%% sets)%n", engine, series, hours);
    Fresh f = open(engine, RetentionPolicy.DEFAULT, clock);
    try (MetricStore store = f.store()) {
      Random r = new Random(3);
      int counters = series * 70 / 100;
      int gauges = series * 10 / 100;
      int timers = series * 15 / 100;
      int sets = series - counters - gauges - timers;
      List<FlushSnapshot.CounterPoint> cp = new ArrayList<>();
      List<FlushSnapshot.GaugePoint> gp = new ArrayList<>();
      List<FlushSnapshot.TimerPoint> tp = new ArrayList<>();
      List<FlushSnapshot.SetPoint> sp = new ArrayList<>();
      for (int i = 0; i < counters; i++) {
        cp.add(new FlushSnapshot.CounterPoint(MetricKey.of("roll.c" + i), 1, 0.1));
      }
      for (int i = 0; i < gauges; i++) {
        gp.add(new FlushSnapshot.GaugePoint(MetricKey.of("roll.g" + i), 1));
      }
      FlushSnapshot.TimerPoint sampleTimer = timer(MetricKey.of("x"), samples(r, 20));
      for (int i = 0; i < timers; i++) {
        tp.add(new FlushSnapshot.TimerPoint(MetricKey.of("roll.t" + i), sampleTimer.stats(), sampleTimer.sketch()));
      }
      UniqueSketch u = UniqueSketch.create();
      for (int m = 0; m < 30; m++) {
        u.update("user" + m);
      }
      for (int i = 0; i < sets; i++) {
        sp.add(new FlushSnapshot.SetPoint(MetricKey.of("roll.s" + i), 30, u));
      }
      long loadStart = System.nanoTime();
      // Series and the first interval through the store; the rest straight into the tables (setup).
      store.write("bench", 0, new FlushSnapshot(start, TEN_S, false, cp, gp, tp, sp, Map.of()));
      byte[] sketch = sampleTimer.sketch().toBytes();
      byte[] hll = u.toBytes();
      bulkLoad(engine, f, start + TEN_S, end, sketch, hll);
      long rows = (long) series * hours * 360;
      System.out.printf(Locale.ROOT, "  loaded %d rows in %.1f s (setup, not measured)%n", rows,
          (System.nanoTime() - loadStart) / 1e9);
      long t = System.nanoTime();
      RollupReport report = store.rollup(clock.millis());
      double seconds = (System.nanoTime() - t) / 1e9;
      System.out.printf(Locale.ROOT, "  rollup pass: %.1f s, %d rows read, %d written, %d transactions,"
              + " longest transaction %d ms, %.0f source rows/s; a day of %d series ~ %.0f s%n",
          seconds, report.rowsRead(), report.rowsWritten(), report.transactions(), report.longestTransactionMillis(),
          report.rowsRead() / seconds, series, seconds * 24.0 / hours);

      // Steady state: one more minute of flushes arrives, and the scheduled pass a minute later rolls it.
      // (The first pass rolled minutes up to end + 4 min; the new minute follows them.)
      bulkLoad(engine, f, end + 5 * 60_000, end + 6 * 60_000, sketch, hll);
      now.set(end + 7 * 60_000);
      t = System.nanoTime();
      report = store.rollup(clock.millis());
      System.out.printf(Locale.ROOT, "  steady-state pass one minute later: %.2f s, %d rows read, %d written,"
              + " %d transactions, longest transaction %d ms%n", (System.nanoTime() - t) / 1e9, report.rowsRead(),
          report.rowsWritten(), report.transactions(), report.longestTransactionMillis());
    }
  }

  /** Inserts 10 s rows in {@code [from, to)} for every series straight into the tables (setup, not measured). */
  private void bulkLoad(String engine, Fresh f, long from, long to, byte[] sketch, byte[] hll) throws SQLException {
    try (Connection c = raw(engine, f.rawUrl())) {
      c.createStatement().execute("PRAGMA synchronous = OFF");
      c.createStatement().execute("UPDATE series SET last_seen = " + (to - TEN_S));
      c.setAutoCommit(false);
      for (MetricType type : MetricType.values()) {
        List<Long> ids = new ArrayList<>();
        try (ResultSet rs = c.createStatement().executeQuery(
            "SELECT id FROM series WHERE type = '" + type.label() + "'")) {
          while (rs.next()) {
            ids.add(rs.getLong(1));
          }
        }
        String sql = switch (type) {
          case COUNTER -> "INSERT INTO counter_points VALUES (?, ?, ?, 1, 1.0)";
          case GAUGE -> "INSERT INTO gauge_points VALUES (?, ?, ?, 1, 1.0, 1.0, 1.0, 0)";
          case TIMER -> "INSERT INTO timer_points VALUES (?, ?, ?, 1, 20, 20, 1000, 100000, 1, 500, ?)";
          case SET -> "INSERT INTO set_points VALUES (?, ?, ?, 1, 30, ?)";
        };
        try (PreparedStatement ps = c.prepareStatement(sql)) {
          int n = 0;
          for (long id : ids) {
            for (long ts = from; ts < to; ts += TEN_S) {
              ps.setLong(1, id);
              ps.setLong(2, TEN_S);
              ps.setLong(3, ts);
              if (type == MetricType.TIMER) {
                ps.setBytes(4, sketch);
              } else if (type == MetricType.SET) {
                ps.setBytes(4, hll);
              }
              ps.addBatch();
              if (++n % 20_000 == 0) {
                ps.executeBatch();
              }
            }
          }
          ps.executeBatch();
        }
        c.commit();
      }
    }
  }
}
