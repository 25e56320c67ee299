package io.hollerith.server.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Range and combination checks on a bound configuration. Each problem names the key and what is
 * allowed; all problems are returned together.
 */
final class ConfigValidator {

  /** Longest listeners.udp.read_delay: beyond it a resting socket would mostly add latency and buffer risk. */
  private static final Duration MAX_READ_DELAY = Duration.ofMillis(100);
  /** In order of verbosity, so the message that lists them reads the same every time. */
  private static final List<String> LOG_LEVELS = List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");

  private final List<String> problems = new ArrayList<>();

  private ConfigValidator() {}

  static List<String> validate(HollerithConfig c) {
    ConfigValidator v = new ConfigValidator();
    v.require(!c.nodeId().isBlank(), "node_id", "must not be empty");
    v.require(!c.dataDir().isBlank(), "data_dir", "must not be empty");

    ListenersConfig l = c.listeners();
    v.port("listeners.udp.port", l.udp().port());
    v.address("listeners.udp.address", l.udp().address());
    v.positive("listeners.udp.receive_buffer_bytes", l.udp().receiveBufferBytes());
    v.require(l.udp().threads() >= 0, "listeners.udp.threads", "must be 0 (one per core) or more, got " + l.udp().threads());
    v.require(!l.udp().readDelay().isNegative() && l.udp().readDelay().compareTo(MAX_READ_DELAY) <= 0,
        "listeners.udp.read_delay", "must be between 0 and " + MAX_READ_DELAY.toMillis() + "ms, got "
            + DurationValues.format(l.udp().readDelay()));
    v.port("listeners.tcp.port", l.tcp().port());
    v.address("listeners.tcp.address", l.tcp().address());
    v.positive("listeners.tcp.max_connections", l.tcp().maxConnections());
    v.positive("listeners.tcp.max_connections_per_address", l.tcp().maxConnectionsPerAddress());
    v.require(!l.unixStream().enabled() || hasText(l.unixStream().path()),
        "listeners.unix_stream.path", "is required when listeners.unix_stream.enabled is true");
    v.require(!l.unixDatagram().enabled() || hasText(l.unixDatagram().path()),
        "listeners.unix_datagram.path", "is required when listeners.unix_datagram.enabled is true");
    v.port("listeners.management.port", l.management().port());
    v.address("listeners.management.address", l.management().address());
    v.positive("listeners.management.max_connections", l.management().maxConnections());
    v.positive("listeners.management.max_queued_commands", l.management().maxQueuedCommands());
    v.require(Set.of("auto", "epoll", "nio").contains(l.transport().toLowerCase(Locale.ROOT)), "listeners.transport",
        "must be auto, epoll or nio, got '" + l.transport() + "'");
    v.require(l.tcp().threads() >= 0, "listeners.tcp.threads", "must be 0 (one per core) or more, got " + l.tcp().threads());
    v.require(l.tcp().idleTimeoutSeconds() >= 0, "listeners.tcp.idle_timeout_seconds",
        "must be 0 (never) or more, got " + l.tcp().idleTimeoutSeconds());
    v.positive("listeners.unix_stream.max_connections", l.unixStream().maxConnections());
    v.positive("listeners.unix_datagram.max_connections", l.unixDatagram().maxConnections());
    v.permissions("listeners.unix_stream.permissions", l.unixStream().permissions());
    v.permissions("listeners.unix_datagram.permissions", l.unixDatagram().permissions());

    ProtocolConfig p = c.protocol();
    v.require(p.maxPacketBytes() >= 64 && p.maxPacketBytes() <= 65_535, "protocol.max_packet_bytes",
        "must be between 64 and 65535, got " + p.maxPacketBytes());
    v.require(p.maxLineBytes() >= 16, "protocol.max_line_bytes", "must be at least 16, got " + p.maxLineBytes());
    v.require(p.maxNameBytes() >= 1 && p.maxNameBytes() <= p.maxLineBytes(), "protocol.max_name_bytes",
        "must be between 1 and protocol.max_line_bytes, got " + p.maxNameBytes());
    v.require(p.maxTags() >= 0 && p.maxTags() <= 1024, "protocol.max_tags", "must be between 0 and 1024, got " + p.maxTags());

    AggregationConfig a = c.aggregation();
    v.require(a.flushInterval().toMillis() >= 10 && a.flushInterval().toDays() <= 1, "aggregation.flush_interval",
        "must be between 10ms and 1d, got " + DurationValues.format(a.flushInterval()));
    for (Double t : a.percentThresholds()) {
      v.require(t != null && t != 0 && t >= -100 && t <= 100, "aggregation.percent_thresholds",
          "each threshold must be a non-zero number from -100 to 100, got " + t);
    }
    for (int i = 0; i < a.histograms().size(); i++) {
      List<Double> bins = a.histograms().get(i).bins();
      v.require(!bins.isEmpty(), "aggregation.histograms[" + i + "].bins", "must list at least one bin");
      for (int b = 1; b < bins.size(); b++) {
        v.require(bins.get(b) > bins.get(b - 1), "aggregation.histograms[" + i + "].bins",
            "must be in ascending order, got " + bins);
      }
    }
    v.positive("aggregation.max_metrics", a.maxMetrics());
    v.require(a.maxMetricsPerNamespace() >= 0, "aggregation.max_metrics_per_namespace",
        "must be 0 (no cap) or more, got " + a.maxMetricsPerNamespace());
    v.require(!a.seriesTtl().isNegative() && (a.seriesTtl().isZero()
            || a.seriesTtl().compareTo(a.flushInterval()) >= 0), "aggregation.series_ttl",
        "must be 0 (keep series until restart) or at least one aggregation.flush_interval, got "
            + DurationValues.format(a.seriesTtl()));

    StatsConfig s = c.stats();
    v.positive("stats.buffer_size", s.bufferSize());
    v.positive("stats.flush_interval_ms", s.flushIntervalMs());

    SinksConfig.Graphite g = c.sinks().graphite();
    v.require(!g.enabled() || hasText(g.host()), "sinks.graphite.host", "is required when sinks.graphite.enabled is true");
    v.port("sinks.graphite.port", g.port());
    List<Double> buckets = c.sinks().prometheus().timerBuckets();
    v.require(!buckets.isEmpty() && buckets.size() <= SinksConfig.Prometheus.MAX_TIMER_BUCKETS,
        "sinks.prometheus.timer_buckets", "must list 1 to " + SinksConfig.Prometheus.MAX_TIMER_BUCKETS
            + " bounds, got " + buckets.size());
    boolean ascending = true;
    for (int b = 0; b < buckets.size(); b++) {
      Double bound = buckets.get(b);
      ascending &= bound != null && Double.isFinite(bound)
          && (b == 0 || buckets.get(b - 1) == null || bound > buckets.get(b - 1));
    }
    v.require(ascending, "sinks.prometheus.timer_buckets", "must be finite numbers in ascending order, got " + buckets);

    StorageConfig st = c.storage();
    v.require(st.type().equals("sqlite") || st.type().equals("postgresql"), "storage.type",
        "must be sqlite or postgresql, got '" + st.type() + "'");
    v.require(!st.type().equals("postgresql") || hasText(st.postgresql().url()), "storage.postgresql.url",
        "is required when storage.type is postgresql");
    v.require(st.maxBacklog().toMillis() >= a.flushInterval().toMillis(), "storage.max_backlog",
        "must be at least one aggregation.flush_interval");
    v.positive("storage.postgresql.pool_size", st.postgresql().poolSize());
    v.require(List.of("FULL", "NORMAL").contains(st.sqliteSynchronous().toUpperCase(Locale.ROOT)),
        "storage.sqlite_synchronous", "must be FULL or NORMAL, got '" + st.sqliteSynchronous() + "'");
    v.require(!st.rollupInterval().isNegative() && !st.rollupInterval().isZero(), "storage.rollup_interval",
        "must be greater than 0, got " + DurationValues.format(st.rollupInterval()));
    v.positive("storage.rollup_batch_series", st.rollupBatchSeries());
    v.positive("storage.read_timeout", st.readTimeout());
    try {
      io.hollerith.server.config.RetentionPolicy.parse(st.retention()).checkFlushInterval(a.flushInterval());
    } catch (IllegalArgumentException e) {
      v.problems.add("storage." + e.getMessage());
    }

    HttpConfig h = c.http();
    v.port("http.port", h.port());
    v.address("http.address", h.address());
    v.positive("http.auth_failure_max_addresses", h.authFailureMaxAddresses());
    v.positive("http.max_connections", h.maxConnections());
    v.require(h.maxBodyBytesInFlight() >= h.maxRequestBytes(), "http.max_body_bytes_in_flight",
        "must be at least http.max_request_bytes (" + h.maxRequestBytes() + "), got " + h.maxBodyBytesInFlight());
    v.positive("http.health_check_timeout", h.healthCheckTimeout());

    OpsConfig.TableGrowth tg = c.ops().tableGrowth();
    v.require(tg.retentionDays() >= 31 && tg.retentionDays() <= 3650, "ops.table_growth.retention_days",
        "must be between 31 (a month-ago sample is needed) and 3650, got " + tg.retentionDays());
    v.require(tg.weeklyThresholdPercent() >= 0, "ops.table_growth.weekly_threshold_percent",
        "must be 0 or more, got " + tg.weeklyThresholdPercent());
    v.require(tg.monthlyThresholdPercent() >= 0, "ops.table_growth.monthly_threshold_percent",
        "must be 0 or more, got " + tg.monthlyThresholdPercent());
    try {
      tg.sampleAtTime();
    } catch (IllegalArgumentException e) {
      v.problems.add("ops.table_growth.sample_at " + e.getMessage());
    }
    OpsConfig.Query q = c.ops().query();
    v.require(q.timeout().toMillis() >= 1, "ops.query.timeout", "must be at least 1ms, got " + DurationValues.format(q.timeout()));
    v.require(q.maxRows() >= 1 && q.maxRows() <= 1_000_000, "ops.query.max_rows",
        "must be between 1 and 1000000, got " + q.maxRows());
    v.require(q.maxResultBytes() >= 1024, "ops.query.max_result_bytes", "must be at least 1024, got " + q.maxResultBytes());
    v.positive("ops.query.threads", q.threads());
    v.require(q.maxQueued() >= 0, "ops.query.max_queued", "must be 0 or more, got " + q.maxQueued());

    v.positive("ops.files.max_entries", c.ops().files().maxEntries());

    SchedulerConfig sc = c.scheduler();
    v.positive("scheduler.threads", sc.threads());
    v.positive("scheduler.task_history", sc.taskHistory());
    v.require(sc.heartbeatInterval().toMillis() >= 100, "scheduler.heartbeat_interval",
        "must be at least 100ms, got " + DurationValues.format(sc.heartbeatInterval()));
    v.require(!s.selfSeries() || hasText(s.selfSeriesPrefix()) && s.selfSeriesPrefix().endsWith("."),
        "stats.self_series_prefix", "must be a name prefix ending in a dot, got '" + s.selfSeriesPrefix() + "'");
    v.jobs(c.jobs());

    LoggingConfig lg = c.logging();
    v.require(lg.format().equals("text") || lg.format().equals("json"), "logging.format",
        "must be text or json, got '" + lg.format() + "'");
    v.require(LOG_LEVELS.contains(lg.level().toUpperCase(Locale.ROOT)), "logging.level",
        "must be one of " + LOG_LEVELS + ", got '" + lg.level() + "'");
    return v.problems;
  }

  private void jobs(List<JobConfig> jobs) {
    Set<String> seen = new java.util.HashSet<>();
    for (int i = 0; i < jobs.size(); i++) {
      String key = "jobs[" + i + "]";
      JobConfig job = jobs.get(i);
      if (job == null) {
        problems.add(key + " must be a mapping with keys job_id, params, schedule, program");
        continue;
      }
      if (!hasText(job.jobId()) || !job.jobId().matches("[A-Za-z0-9_.-]{1,100}")) {
        problems.add(key + ".job_id must be 1 to 100 letters, digits, '_', '.' or '-', got '" + job.jobId() + "'");
      } else if (job.jobId().startsWith("hollerith.")) {
        problems.add(key + ".job_id must not start with 'hollerith.', which names Hollerith's own jobs");
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
        problems.add(key + ".schedule.type must be interval or daily, got '" + schedule.type() + "'");
      }
      JobConfig.Program program = job.program();
      if (program == null || !JobConfig.Program.STATS.contains(program.type())) {
        problems.add(key + ".program.type must be one of " + new java.util.TreeSet<>(JobConfig.Program.STATS) + ", got '"
            + (program == null ? null : program.type()) + "'");
      } else if (program.path() != null && program.path().isBlank()) {
        problems.add(key + ".program.path must not be empty; leave it out to keep the stats in the run's output only");
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
    require(value == null || value.matches("([r-][w-][x-]){3}"), key,
        "must be nine characters as ls shows them, e.g. rw-rw----, got '" + value + "'");
  }

  private static boolean hasText(String s) {
    return s != null && !s.isBlank();
  }
}
