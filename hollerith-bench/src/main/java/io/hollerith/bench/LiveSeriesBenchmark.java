package io.hollerith.bench;

import io.hollerith.server.aggregate.Aggregator;
import io.hollerith.server.aggregate.AggregatorWriter;
import io.hollerith.server.config.AggregationConfig;
import io.hollerith.server.config.ProtocolConfig;
import io.hollerith.server.config.RetentionPolicy;
import io.hollerith.server.config.StatsConfig;
import io.hollerith.server.config.StorageConfig;
import io.hollerith.server.protocol.LineParser;
import io.hollerith.server.snapshot.FlushSnapshot;
import io.hollerith.server.stats.StatsRegistry;
import io.hollerith.server.storage.MetricStore;
import io.hollerith.server.storage.MetricStores;
import io.hollerith.server.storage.StoreSettings;
import io.hollerith.server.storage.StoreSink;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A million live series end to end, as a plain main: {@code --series} live series of a type mix
 * ({@code --mix c=40,ms=30,g=20,s=10}), of which a rotating {@code --active} fraction (whole blocks
 * of 100 consecutive series, so each type in its share) receives one sample per interval. Each
 * interval's lines go through the real {@link LineParser} into the real {@link Aggregator}; its
 * flush goes to a real {@link StoreSink} on SQLite or PostgreSQL ({@code --engines
 * sqlite,postgresql}; embedded PostgreSQL unless {@code --pg-url}/{@code --pg-user}).
 *
 * <p>Interval 0 gives every series a sample (it creates them all) and is reported apart. Then, for
 * {@code --intervals} intervals of 10 s: the aggregator's flush time, the snapshot's points, the
 * store's write time for that flush and the backlog. With {@code --paced true} (the default) each
 * interval lasts 10 s of real time, so a store that cannot keep up shows a growing backlog; with
 * {@code --paced false} the next interval starts as soon as the store has written the last one. The
 * aggregator and the store see a stepped clock, one interval per step. At the end, the rows in each
 * point table (what the store actually wrote). Files and databases are removed afterwards.
 */
public final class LiveSeriesBenchmark {

  private static final long INTERVAL = 10_000;
  private static final int LINES_PER_PACKET = 20;

  private final Map<String, String> opts;
  private final Path work;
  private EmbeddedPostgres pg;

  private LiveSeriesBenchmark(Map<String, String> opts, Path work) {
    this.opts = opts;
    this.work = work;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    Path work = Files.createTempDirectory("hollerith-live-bench");
    LiveSeriesBenchmark bench = new LiveSeriesBenchmark(opts, work);
    try {
      System.out.printf(
          Locale.ROOT,
          "java %s, %d cores, max heap %d MB%n",
          System.getProperty("java.version"),
          Runtime.getRuntime().availableProcessors(),
          Runtime.getRuntime().maxMemory() >> 20);
      for (String engine : opts.getOrDefault("engines", "sqlite,postgresql").split(",")) {
        bench.run(engine.trim());
      }
    } finally {
      if (bench.pg != null) {
        bench.pg.close();
      }
      try (var paths = Files.walk(work)) {
        for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
    System.exit(0);
  }

  /** A clock the benchmark moves: the aggregator and the store see one interval per step. */
  static final class SteppedClock extends Clock {
    private volatile long millis;

    SteppedClock(long millis) {
      this.millis = millis;
    }

    void set(long millis) {
      this.millis = millis;
    }

    @Override
    public long millis() {
      return millis;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  /**
   * The type of series {@code i}: an interleaved schedule of 100 slots from the mix's percentages.
   */
  static String[] schedule(String mix) {
    Map<String, Integer> weights = new LinkedHashMap<>();
    int sum = 0;
    for (String part : mix.split(",")) {
      String[] kv = part.trim().split("=", 2);
      int w = Integer.parseInt(kv[1].trim());
      weights.put(kv[0].trim(), w);
      sum += w;
    }
    if (sum != 100) {
      throw new IllegalArgumentException("--mix weights must add up to 100, got " + sum);
    }
    String[] slots = new String[100];
    int slot = 0;
    double[] credit = new double[weights.size()];
    List<String> types = new ArrayList<>(weights.keySet());
    while (slot < 100) {
      for (int t = 0; t < types.size() && slot < 100; t++) {
        credit[t] += weights.get(types.get(t)) / 100.0;
        if (credit[t] >= 1) {
          credit[t] -= 1;
          slots[slot++] = types.get(t);
        }
      }
    }
    return slots;
  }

  private void run(String engine) throws Exception {
    int series = Integer.parseInt(opts.getOrDefault("series", "1000000"));
    double active = Double.parseDouble(opts.getOrDefault("active", "0.1"));
    int intervals = Integer.parseInt(opts.getOrDefault("intervals", "12"));
    boolean paced = Boolean.parseBoolean(opts.getOrDefault("paced", "true"));
    String mix = opts.getOrDefault("mix", "c=40,ms=30,g=20,s=10");
    String[] types = schedule(mix);
    int every = (int) Math.max(1, Math.round(1 / active));

    long t0 = Math.floorDiv(System.currentTimeMillis(), INTERVAL) * INTERVAL;
    SteppedClock clock = new SteppedClock(t0);
    StatsRegistry stats = new StatsRegistry();
    StoreSettings settings =
        new StoreSettings(RetentionPolicy.parse(RetentionPolicy.DEFAULT), INTERVAL, 200, clock);
    Opened opened = open(engine, settings);
    MetricStore store = opened.store();
    Aggregator aggregator =
        new Aggregator(
            AggregationConfig.builder()
                .flushInterval(Duration.ofMillis(INTERVAL))
                .maxMetrics(series + 1000)
                .build(),
            StatsConfig.defaults(),
            stats,
            clock);
    LineParser parser = new LineParser(new ProtocolConfig(null, null, null, null), stats);
    StoreSink sink =
        new StoreSink(
            store,
            "bench",
            Duration.ofMillis(INTERVAL),
            Duration.ofHours(1),
            Duration.ofSeconds(30),
            Duration.ofMinutes(30),
            stats,
            clock,
            0);
    System.out.printf(
        Locale.ROOT,
        "%n== %s: %,d live series (%s), %.0f %% active per 10 s interval, %s%n",
        engine,
        series,
        mix,
        100.0 / every,
        paced ? "paced at 10 s of real time per interval" : "unpaced");
    try (AggregatorWriter writer = aggregator.newWriter()) {
      long[] storeMillis = new long[intervals];
      for (int k = 0; k <= intervals; k++) {
        long start = t0 + k * INTERVAL;
        clock.set(start + INTERVAL / 2);
        long feedStart = System.nanoTime();
        int sent = feed(parser, writer, types, series, k == 0 ? 1 : every, k);
        long feedMillis = (System.nanoTime() - feedStart) / 1_000_000;
        clock.set(start + INTERVAL);
        long flushStart = System.nanoTime();
        List<FlushSnapshot> snapshots = aggregator.flush(start);
        long flushMillis = (System.nanoTime() - flushStart) / 1_000_000;
        long wallDeadline = System.currentTimeMillis() + INTERVAL;
        int points = 0;
        for (FlushSnapshot s : snapshots) {
          points += s.size();
          sink.publish(s);
        }
        long storeStart = System.nanoTime();
        int backlog;
        long written;
        if (paced && k > 0) {
          Thread.sleep(Math.max(0, wallDeadline - System.currentTimeMillis()));
          backlog = sink.backlog();
          written = stats.value("storage", "last_write_millis").longValue();
        } else {
          sink.awaitDrained(Duration.ofMinutes(30));
          backlog = sink.backlog();
          written = (System.nanoTime() - storeStart) / 1_000_000;
        }
        if (k > 0) {
          storeMillis[k - 1] = written;
        }
        System.out.printf(
            Locale.ROOT,
            "%s %3d  samples %,9d (fed in %5d ms)  flush %5d ms  points %,9d  store %6d ms"
                + "  backlog %d%n",
            k == 0 ? "warm-up " : "interval",
            k,
            sent,
            feedMillis,
            flushMillis,
            points,
            written,
            backlog);
      }
      sink.awaitDrained(Duration.ofMinutes(30));
      long[] sorted = Arrays.copyOf(storeMillis, intervals);
      Arrays.sort(sorted);
      System.out.printf(
          Locale.ROOT,
          "store time per flush after warm-up: median %d ms, max %d ms; backlog at end %d;"
              + " snapshots dropped %s%n",
          sorted[intervals / 2],
          sorted[intervals - 1],
          sink.backlog(),
          stats.value("storage", "snapshots_dropped"));
    } finally {
      sink.close();
      printRows(engine, opened.rawUrl());
      store.close();
    }
  }

  /**
   * Sends one sample to each series of every {@code every}-th block of 100 (rotating with {@code
   * k}, so the active series have the whole mix), in packets of 20 lines.
   */
  private static int feed(
      LineParser parser, AggregatorWriter writer, String[] types, int series, int every, int k) {
    StringBuilder packet = new StringBuilder(LINES_PER_PACKET * 32);
    int lines = 0;
    int sent = 0;
    for (int i = 0; i < series; i++) {
      if ((i / 100 + k) % every != 0) {
        continue;
      }
      String type = types[i % 100];
      packet.append("bench.").append(type).append(".s").append(i).append(':');
      switch (type) {
        case "c" -> packet.append('1');
        case "g" -> packet.append(k);
        case "ms" -> packet.append(1 + (i + k) % 250);
        case "s" -> packet.append('u').append(k % 7);
        default -> packet.append('1');
      }
      packet.append('|').append(type).append('\n');
      sent++;
      if (++lines == LINES_PER_PACKET) {
        byte[] bytes = packet.toString().getBytes(StandardCharsets.UTF_8);
        parser.parse(bytes, 0, bytes.length, writer);
        packet.setLength(0);
        lines = 0;
      }
    }
    if (lines > 0) {
      byte[] bytes = packet.toString().getBytes(StandardCharsets.UTF_8);
      parser.parse(bytes, 0, bytes.length, writer);
    }
    return sent;
  }

  private record Opened(MetricStore store, String rawUrl) {}

  private Opened open(String engine, StoreSettings settings) throws Exception {
    if (engine.equals("sqlite")) {
      Path file = work.resolve("live.db");
      Files.deleteIfExists(file);
      return new Opened(MetricStores.sqlite(file, "FULL", settings), "jdbc:sqlite:" + file);
    }
    String user = opts.getOrDefault("pg-user", "postgres");
    String name = "live" + System.nanoTime();
    String adminUrl;
    String url;
    if (opts.containsKey("pg-url")) {
      adminUrl = opts.get("pg-url");
      url = adminUrl.replaceFirst("/[^/?]*(\\?|$)", "/" + name + "$1");
    } else {
      if (pg == null) {
        pg = EmbeddedPostgres.builder().start();
      }
      adminUrl = pg.getJdbcUrl(user, "postgres");
      url = pg.getJdbcUrl(user, name);
    }
    try (Connection c = DriverManager.getConnection(adminUrl, user, opts.get("pg-password"))) {
      c.createStatement().executeUpdate("CREATE DATABASE " + name);
    }
    StorageConfig.Postgresql cfg =
        new StorageConfig.Postgresql(url, user, opts.get("pg-password"), null, null, 4);
    return new Opened(MetricStores.postgresql(cfg, settings), url);
  }

  private void printRows(String engine, String url) throws SQLException {
    boolean sqlite = engine.equals("sqlite");
    try (Connection c =
        DriverManager.getConnection(
            url,
            sqlite ? null : opts.getOrDefault("pg-user", "postgres"),
            sqlite ? null : opts.get("pg-password"))) {
      if (!sqlite) {
        c.createStatement().execute("SET search_path TO hollerith");
      }
      StringBuilder out = new StringBuilder("rows stored:");
      for (String table :
          List.of(
              "series",
              "counter_points",
              "gauge_points",
              "timer_points",
              "set_points",
              "counter_totals",
              "gauge_values")) {
        try (ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM " + table)) {
          rs.next();
          out.append(String.format(Locale.ROOT, " %s %,d", table, rs.getLong(1)));
        }
      }
      System.out.println(out);
    }
  }
}
