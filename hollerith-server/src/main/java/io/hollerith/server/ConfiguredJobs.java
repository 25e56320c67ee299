package io.hollerith.server;

import io.hollerith.server.config.HollerithConfig;
import io.hollerith.server.config.JobConfig;
import io.hollerith.server.jobs.Job;
import io.hollerith.server.jobs.Schedule;
import io.hollerith.server.ops.InternalStats;
import io.hollerith.server.ops.StatsProgram;
import io.hollerith.server.storage.MetricStore;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns the validated configuration into jobs, and describes the node's parts for the worker
 * report.
 */
final class ConfiguredJobs {

  private ConfiguredJobs() {}

  /** The job a {@code jobs:} entry describes (the configuration has been validated). */
  static Job job(JobConfig config, InternalStats stats) {
    JobConfig.Schedule s = config.schedule();
    Schedule schedule =
        s.type().equals("daily")
            ? new Schedule.Daily(s.atTime())
            : new Schedule.Interval(s.intervalDuration());
    return new Job(
        config.jobId(),
        schedule,
        config.fixedParams(),
        new StatsProgram(stats, config.program().path()));
  }

  /**
   * What the worker report states that does not change while the node runs: the job pool, the
   * ingest event loops and the flush interval.
   */
  static Map<String, Object> fixedWorkerStats(HollerithConfig config) {
    int cores = Runtime.getRuntime().availableProcessors();
    Map<String, Object> loops = new LinkedHashMap<>();
    loops.put(
        "udp",
        config.listeners().udp().threads() == 0 ? cores : config.listeners().udp().threads());
    loops.put(
        "tcp",
        config.listeners().tcp().threads() == 0 ? cores : config.listeners().tcp().threads());
    Map<String, Object> fixed = new LinkedHashMap<>();
    fixed.put("pool", Map.of("max_concurrency", config.scheduler().threads()));
    fixed.put("prefetch_count", 0);
    fixed.put("ingest_event_loops", loops);
    fixed.put("flush_interval_ms", config.aggregation().flushInterval().toMillis());
    return fixed;
  }

  /**
   * The store as Celery's broker: its engine ({@code transport}, null without a store) and
   * connection pool.
   */
  static Map<String, Object> broker(MetricStore store) {
    Map<String, Object> broker = new LinkedHashMap<>();
    broker.put("transport", store == null ? null : store.engine());
    if (store != null) {
      try {
        broker.put("connection_pool", store.connectionPool());
      } catch (RuntimeException e) {
        broker.put("connection_pool", null);
      }
    }
    return broker;
  }
}
