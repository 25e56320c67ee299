package io.hollerith.server.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Range and combination checks on a bound configuration. Each problem names the key and what is
 * allowed; all problems are returned together.
 */
final class ConfigValidator {

  /**
   * Longest listeners.udp.read_delay: beyond it a resting socket would mostly add latency and
   * buffer risk.
   */
  private static final Duration MAX_READ_DELAY = Duration.ofMillis(100);

  /** In order of verbosity, so the message that lists them reads the same every time. */
  private static final List<String> LOG_LEVELS =
      List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");

  private final List<String> problems = new ArrayList<>();

  private ConfigValidator() {}

  static List<String> validate(HollerithConfig c) {
    ConfigValidator v = new ConfigValidator();
    v.require(!c.nodeId().isBlank(), "node_id", "must not be empty");
    v.require(!c.dataDir().isBlank(), "data_dir", "must not be empty");
    v.listeners(c.listeners());
    v.protocol(c.protocol());
    v.aggregation(c.aggregation());
    v.positive("stats.buffer_size", c.stats().bufferSize());
    v.positive("stats.flush_interval_ms", c.stats().flushIntervalMs());
    v.sinks(c.sinks());
    v.storage(c.storage(), c.aggregation().flushInterval());
    v.http(c.http());
    v.ops(c.ops());
    v.scheduler(c.scheduler());
    v.selfSeriesPrefix(c.stats());
    v.jobs(c.jobs());
    v.logging(c.logging());
    return v.problems;
  }

  /** The ingest listeners and the management interface. */
  private void listeners(ListenersConfig l) {
    port("listeners.udp.port", l.udp().port());
    address("listeners.udp.address", l.udp().address());
    positive("listeners.udp.receive_buffer_bytes", l.udp().receiveBufferBytes());
    require(
        l.udp().threads() >= 0,
        "listeners.udp.threads",
        "must be 0 (one per core) or more, got " + l.udp().threads());
    require(
        !l.udp().readDelay().isNegative() && l.udp().readDelay().compareTo(MAX_READ_DELAY) <= 0,
        "listeners.udp.read_delay",
        "must be between 0 and "
            + MAX_READ_DELAY.toMillis()
            + "ms, got "
            + DurationValues.format(l.udp().readDelay()));
    port("listeners.tcp.port", l.tcp().port());
    address("listeners.tcp.address", l.tcp().address());
    positive("listeners.tcp.max_connections", l.tcp().maxConnections());
    positive("listeners.tcp.max_connections_per_address", l.tcp().maxConnectionsPerAddress());
    require(
        !l.unixStream().enabled() || hasText(l.unixStream().path()),
        "listeners.unix_stream.path",
        "is required when listeners.unix_stream.enabled is true");
    require(
        !l.unixDatagram().enabled() || hasText(l.unixDatagram().path()),
        "listeners.unix_datagram.path",
        "is required when listeners.unix_datagram.enabled is true");
    port("listeners.management.port", l.management().port());
    address("listeners.management.address", l.management().address());
    positive("listeners.management.max_connections", l.management().maxConnections());
    positive("listeners.management.max_queued_commands", l.management().maxQueuedCommands());
    require(
        Set.of("auto", "epoll", "nio").contains(l.transport().toLowerCase(Locale.ROOT)),
        "listeners.transport",
        "must be auto, epoll or nio, got '" + l.transport() + "'");
    require(
        l.tcp().threads() >= 0,
        "listeners.tcp.threads",
        "must be 0 (one per core) or more, got " + l.tcp().threads());
    require(
        l.tcp().idleTimeoutSeconds() >= 0,
        "listeners.tcp.idle_timeout_seconds",
        "must be 0 (never) or more, got " + l.tcp().idleTimeoutSeconds());
    positive("listeners.unix_stream.max_connections", l.unixStream().maxConnections());
    positive("listeners.unix_datagram.max_connections", l.unixDatagram().maxConnections());
    permissions("listeners.unix_stream.permissions", l.unixStream().permissions());
    permissions("listeners.unix_datagram.permissions", l.unixDatagram().permissions());
  }

  /** Packet, line, name and tag limits. */
  private void protocol(ProtocolConfig p) {
    require(
        p.maxPacketBytes() >= 64 && p.maxPacketBytes() <= 65_535,
        "protocol.max_packet_bytes",
        "must be between 64 and 65535, got " + p.maxPacketBytes());
    require(
        p.maxLineBytes() >= 16,
        "protocol.max_line_bytes",
        "must be at least 16, got " + p.maxLineBytes());
    require(
        p.maxNameBytes() >= 1 && p.maxNameBytes() <= p.maxLineBytes(),
        "protocol.max_name_bytes",
        "must be between 1 and protocol.max_line_bytes, got " + p.maxNameBytes());
    require(
        p.maxTags() >= 0 && p.maxTags() <= 1024,
        "protocol.max_tags",
        "must be between 0 and 1024, got " + p.maxTags());
  }

  /** Flush interval, percentiles, histograms, the series caps and the series TTL. */
  private void aggregation(AggregationConfig a) {
    require(
        a.flushInterval().toMillis() >= 10 && a.flushInterval().toDays() <= 1,
        "aggregation.flush_interval",
        "must be between 10ms and 1d, got " + DurationValues.format(a.flushInterval()));
    for (Double t : a.percentThresholds()) {
      require(
          t != null && t != 0 && t >= -100 && t <= 100,
          "aggregation.percent_thresholds",
          "each threshold must be a non-zero number from -100 to 100, got " + t);
    }
    for (int i = 0; i < a.histograms().size(); i++) {
      List<Double> bins = a.histograms().get(i).bins();
      require(
          !bins.isEmpty(), "aggregation.histograms[" + i + "].bins", "must list at least one bin");
      for (int b = 1; b < bins.size(); b++) {
        require(
            bins.get(b) > bins.get(b - 1),
            "aggregation.histograms[" + i + "].bins",
            "must be in ascending order, got " + bins);
      }
    }
    positive("aggregation.max_metrics", a.maxMetrics());
    require(
        a.maxMetricsPerNamespace() >= 0,
        "aggregation.max_metrics_per_namespace",
        "must be 0 (no cap) or more, got " + a.maxMetricsPerNamespace());
    require(
        a.backgroundNice() >= 0 && a.backgroundNice() <= AggregationConfig.MAX_BACKGROUND_NICE,
        "aggregation.background_nice",
        "must be 0 (the process's priority) to "
            + AggregationConfig.MAX_BACKGROUND_NICE
            + ", got "
            + a.backgroundNice());
    require(
        !a.seriesTtl().isNegative()
            && (a.seriesTtl().isZero() || a.seriesTtl().compareTo(a.flushInterval()) >= 0),
        "aggregation.series_ttl",
        "must be 0 (keep series until restart) or at least one aggregation.flush_interval, got "
            + DurationValues.format(a.seriesTtl()));
  }

  /** The Graphite sink and the Prometheus timer buckets. */
  private void sinks(SinksConfig sinks) {
    SinksConfig.Graphite g = sinks.graphite();
    require(
        !g.enabled() || hasText(g.host()),
        "sinks.graphite.host",
        "is required when sinks.graphite.enabled is true");
    port("sinks.graphite.port", g.port());
    List<Double> buckets = sinks.prometheus().timerBuckets();
    require(
        !buckets.isEmpty() && buckets.size() <= SinksConfig.Prometheus.MAX_TIMER_BUCKETS,
        "sinks.prometheus.timer_buckets",
        "must list 1 to "
            + SinksConfig.Prometheus.MAX_TIMER_BUCKETS
            + " bounds, got "
            + buckets.size());
    boolean ascending = true;
    for (int b = 0; b < buckets.size(); b++) {
      Double bound = buckets.get(b);
      ascending &=
          bound != null
              && Double.isFinite(bound)
              && (b == 0 || buckets.get(b - 1) == null || bound > buckets.get(b - 1));
    }
    require(
        ascending,
        "sinks.prometheus.timer_buckets",
        "must be finite numbers in ascending order, got " + buckets);
  }

  /** The store, its pool, rollups, reads and retention (which must suit the flush interval). */
  private void storage(StorageConfig st, Duration flushInterval) {
    require(
        st.type().equals("sqlite") || st.type().equals("postgresql"),
        "storage.type",
        "must be sqlite or postgresql, got '" + st.type() + "'");
    require(
        !st.type().equals("postgresql") || hasText(st.postgresql().url()),
        "storage.postgresql.url",
        "is required when storage.type is postgresql");
    require(
        st.maxBacklog().toMillis() >= flushInterval.toMillis(),
        "storage.max_backlog",
        "must be at least one aggregation.flush_interval");
    positive("storage.postgresql.pool_size", st.postgresql().poolSize());
    require(
        List.of("FULL", "NORMAL").contains(st.sqliteSynchronous().toUpperCase(Locale.ROOT)),
        "storage.sqlite_synchronous",
        "must be FULL or NORMAL, got '" + st.sqliteSynchronous() + "'");
    require(
        !st.rollupInterval().isNegative() && !st.rollupInterval().isZero(),
        "storage.rollup_interval",
        "must be greater than 0, got " + DurationValues.format(st.rollupInterval()));
    positive("storage.rollup_batch_series", st.rollupBatchSeries());
    positive("storage.read_timeout", st.readTimeout());
    try {
      RetentionPolicy.parse(st.retention()).checkFlushInterval(flushInterval);
    } catch (IllegalArgumentException e) {
      problems.add("storage." + e.getMessage());
    }
  }

  /** The HTTP API. */
  private void http(HttpConfig h) {
    port("http.port", h.port());
    address("http.address", h.address());
    positive("http.auth_failure_max_addresses", h.authFailureMaxAddresses());
    positive("http.max_connections", h.maxConnections());
    require(
        h.maxBodyBytesInFlight() >= h.maxRequestBytes(),
        "http.max_body_bytes_in_flight",
        "must be at least http.max_request_bytes ("
            + h.maxRequestBytes()
            + "), got "
            + h.maxBodyBytesInFlight());
    positive("http.health_check_timeout", h.healthCheckTimeout());
  }

  /** Table growth, read-only SQL and data-directory files. */
  private void ops(OpsConfig ops) {
    OpsConfig.TableGrowth tg = ops.tableGrowth();
    require(
        tg.retentionDays() >= 31 && tg.retentionDays() <= 3650,
        "ops.table_growth.retention_days",
        "must be between 31 (a month-ago sample is needed) and 3650, got " + tg.retentionDays());
    require(
        tg.weeklyThresholdPercent() >= 0,
        "ops.table_growth.weekly_threshold_percent",
        "must be 0 or more, got " + tg.weeklyThresholdPercent());
    require(
        tg.monthlyThresholdPercent() >= 0,
        "ops.table_growth.monthly_threshold_percent",
        "must be 0 or more, got " + tg.monthlyThresholdPercent());
    try {
      tg.sampleAtTime();
    } catch (IllegalArgumentException e) {
      problems.add("ops.table_growth.sample_at " + e.getMessage());
    }
    OpsConfig.Query q = ops.query();
    require(
        q.timeout().toMillis() >= 1,
        "ops.query.timeout",
        "must be at least 1ms, got " + DurationValues.format(q.timeout()));
    require(
        q.maxRows() >= 1 && q.maxRows() <= 1_000_000,
        "ops.query.max_rows",
        "must be between 1 and 1000000, got " + q.maxRows());
    require(
        q.maxResultBytes() >= 1024,
        "ops.query.max_result_bytes",
        "must be at least 1024, got " + q.maxResultBytes());
    positive("ops.query.threads", q.threads());
    require(q.maxQueued() >= 0, "ops.query.max_queued", "must be 0 or more, got " + q.maxQueued());

    positive("ops.files.max_entries", ops.files().maxEntries());
  }

  /** The scheduler's threads, task history and heartbeat. */
  private void scheduler(SchedulerConfig sc) {
    positive("scheduler.threads", sc.threads());
    positive("scheduler.task_history", sc.taskHistory());
    require(
        sc.heartbeatInterval().toMillis() >= 100,
        "scheduler.heartbeat_interval",
        "must be at least 100ms, got " + DurationValues.format(sc.heartbeatInterval()));
  }

  /** The prefix of the node's own series, when they are written. */
  private void selfSeriesPrefix(StatsConfig s) {
    require(
        !s.selfSeries() || (hasText(s.selfSeriesPrefix()) && s.selfSeriesPrefix().endsWith(".")),
        "stats.self_series_prefix",
        "must be a name prefix ending in a dot, got '" + s.selfSeriesPrefix() + "'");
  }

  /** Log format and level. */
  private void logging(LoggingConfig lg) {
    require(
        lg.format().equals("text") || lg.format().equals("json"),
        "logging.format",
        "must be text or json, got '" + lg.format() + "'");
    require(
        LOG_LEVELS.contains(lg.level().toUpperCase(Locale.ROOT)),
        "logging.level",
        "must be one of " + LOG_LEVELS + ", got '" + lg.level() + "'");
  }

  private void jobs(List<JobConfig> jobs) {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < jobs.size(); i++) {
      String key = "jobs[" + i + "]";
      JobConfig job = jobs.get(i);
      if (job == null) {
        problems.add(key + " must be a mapping with keys job_id, params, schedule, program");
        continue;
      }
      if (!hasText(job.jobId()) || !job.jobId().matches("[A-Za-z0-9_.-]{1,100}")) {
        problems.add(
            key
                + ".job_id must be 1 to 100 letters, digits, '_', '.' or '-', got '"
                + job.jobId()
                + "'");
      } else if (job.jobId().startsWith("hollerith.")) {
        problems.add(
            key + ".job_id must not start with 'hollerith.', which names Hollerith's own jobs");
      } else if (!seen.add(job.jobId())) {
        problems.add(key + ".job_id '" + job.jobId() + "' is used by an earlier job");
      }
      try {
        job.fixedParams();
      } catch (IllegalArgumentException e) {
        problems.add(key + ".params " + e.getMessage());
      }
      JobConfig.Schedule schedule = job.schedule();
      if (schedule == null || schedule.type() == null) {
        problems.add(key + ".schedule.type is required: interval or daily");
      } else if (schedule.type().equals("interval")) {
        check(() -> schedule.intervalDuration(), key + ".schedule.interval");
      } else if (schedule.type().equals("daily")) {
        check(() -> schedule.atTime(), key + ".schedule.at");
      } else {
        problems.add(
            key + ".schedule.type must be interval or daily, got '" + schedule.type() + "'");
      }
      JobConfig.Program program = job.program();
      if (program == null || !JobConfig.Program.STATS.contains(program.type())) {
        problems.add(
            key
                + ".program.type must be one of "
                + new TreeSet<>(JobConfig.Program.STATS)
                + ", got '"
                + (program == null ? null : program.type())
                + "'");
      } else if (program.path() != null && program.path().isBlank()) {
        problems.add(
            key
                + ".program.path must not be empty; leave it out to keep the stats in the run's output only");
      }
    }
  }

  private void check(Runnable parse, String key) {
    try {
      parse.run();
    } catch (IllegalArgumentException e) {
      problems.add(key + " " + e.getMessage());
    }
  }

  private void require(boolean ok, String key, String rule) {
    if (!ok) {
      problems.add(key + " " + rule);
    }
  }

  private void port(String key, int port) {
    require(port >= 0 && port <= 65_535, key, "must be between 0 and 65535, got " + port);
  }

  private void address(String key, String address) {
    require(hasText(address), key, "must not be empty");
  }

  private void positive(String key, int value) {
    require(value > 0, key, "must be greater than 0, got " + value);
  }

  private void positive(String key, Duration value) {
    require(value.toMillis() > 0, key, "must be at least 1ms, got " + DurationValues.format(value));
  }

  /** Null (keep the umask's) or nine {@code rwx-} characters as {@code ls} shows them. */
  private void permissions(String key, String value) {
    require(
        value == null || value.matches("([r-][w-][x-]){3}"),
        key,
        "must be nine characters as ls shows them, e.g. rw-rw----, got '" + value + "'");
  }

  private static boolean hasText(String s) {
    return s != null && !s.isBlank();
  }
}
