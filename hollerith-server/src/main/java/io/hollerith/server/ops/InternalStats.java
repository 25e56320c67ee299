package io.hollerith.server.ops;

import io.hollerith.server.jobs.Scheduler;
import io.hollerith.server.jobs.TaskState;
import io.hollerith.server.stats.ProcessUsage;
import io.hollerith.server.stats.StatName;
import io.hollerith.server.stats.StatsRegistry;
import io.hollerith.server.stats.WakeLatencyProbe;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The node's internal statistics object, with the fields of Apsis's stats program mapped onto the
 * JVM and Hollerith, plus what a JVM operator needs:
 *
 * <ul>
 *   <li>{@code start_time}, {@code time}: process start and now, ISO 8601 UTC;
 *   <li>{@code async.latency}, {@code async.latency_max_1m}: seconds the latency probe woke late at
 *       its latest 10 s wall-clock tick and at most over the last minute (Python's event-loop lag
 *       becomes the JVM's wake-up lag);
 *   <li>{@code rusage_maxrss} (bytes), {@code rusage_utime}, {@code rusage_stime} (seconds), see
 *       {@link ProcessUsage};
 *   <li>{@code scheduled.num_entries} (scheduled tasks), {@code scheduled.num_heap} (entries of the
 *       due-time heap, revoked ones included until due, at most 64 of them);
 *   <li>{@code tasks.num_waiting}, {@code tasks.num_running}, {@code tasks.num_action} (always 0:
 *       Hollerith jobs have no follow-up actions);
 *   <li>{@code len_runlogdb_cache} and {@code run_store.num_runs}: task records held in memory;
 *       {@code run_store.num_queues}, {@code run_store.len_queues}: live-update subscribers and
 *       their pending messages (0: no live-update stream exists yet);
 *   <li>{@code jvm}, {@code series}, {@code ingest}, {@code flush}, {@code storage}: heap and
 *       non-heap use, collectors, threads, live series, ingest and flush figures, store backlog.
 * </ul>
 *
 * A field whose source is not there (the scheduler during start-up, the probe before its first
 * tick, {@code /proc} off Linux, the store when persistence is off, a figure whose reading failed)
 * is left out, never made up. Thread-safe.
 */
public final class InternalStats {

  private final Clock clock;
  private final StatsRegistry stats;
  private final WakeLatencyProbe probe;
  private final ProcessUsage usage;
  private final Scheduler scheduler;

  /**
   * @param scheduler the node's scheduler, or null when there is none
   */
  public InternalStats(
      Clock clock,
      StatsRegistry stats,
      WakeLatencyProbe probe,
      ProcessUsage usage,
      Scheduler scheduler) {
    this.clock = clock;
    this.stats = stats;
    this.probe = probe;
    this.usage = usage;
    this.scheduler = scheduler;
  }

  /** The statistics object now. */
  public Map<String, Object> snapshot() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(
        "start_time",
        Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime()).toString());
    m.put("time", clock.instant().toString());
    Map<String, Object> async = new LinkedHashMap<>();
    probe.latestSeconds().ifPresent(v -> async.put("latency", v));
    probe.maxLastMinuteSeconds().ifPresent(v -> async.put("latency_max_1m", v));
    if (!async.isEmpty()) {
      m.put("async", async);
    }
    usage.maxRssBytes().ifPresent(v -> m.put("rusage_maxrss", v));
    usage.userSeconds().ifPresent(v -> m.put("rusage_utime", v));
    usage.systemSeconds().ifPresent(v -> m.put("rusage_stime", v));
    if (scheduler != null) {
      m.put(
          "scheduled",
          Map.of(
              "num_entries",
              scheduler.count(TaskState.SCHEDULED),
              "num_heap",
              scheduler.heapSize()));
      Map<String, Object> tasks = new LinkedHashMap<>();
      tasks.put("num_waiting", scheduler.count(TaskState.WAITING));
      tasks.put("num_running", scheduler.count(TaskState.RUNNING));
      tasks.put("num_action", 0);
      m.put("tasks", tasks);
      int held = scheduler.historySize();
      m.put("len_runlogdb_cache", held);
      Map<String, Object> runStore = new LinkedHashMap<>();
      runStore.put("num_runs", held);
      runStore.put("num_queues", 0);
      runStore.put("len_queues", 0);
      m.put("run_store", runStore);
    }
    m.put("jvm", jvm());
    section(m, "series", "live", StatName.LIVE_SERIES);
    section(m, "ingest", "packets_received", StatName.PACKETS_RECEIVED);
    section(m, "ingest", "metrics_received", StatName.METRICS_RECEIVED);
    section(m, "ingest", "samples_parsed", StatName.SAMPLES_PARSED);
    section(m, "ingest", "bad_lines", StatName.BAD_LINES_SEEN);
    section(m, "ingest", "dropped_max_metrics", StatName.DROPS_MAX_METRICS);
    section(m, "ingest", "udp_kernel_drops", StatName.UDP_KERNEL_DROPS);
    section(m, "flush", "flushes", StatName.FLUSHES);
    section(m, "flush", "last_duration_ms", StatName.FLUSH_LAST_DURATION_MS);
    section(m, "flush", "processing_lag_ms", StatName.FLUSH_PROCESSING_LAG_MS);
    section(m, "flush", "series_flushed", StatName.SERIES_FLUSHED);
    section(m, "storage", "backlog_snapshots", StatName.STORE_BACKLOG_SNAPSHOTS);
    section(m, "storage", "backlog_age_seconds", StatName.STORE_BACKLOG_AGE_SECONDS);
    section(m, "storage", "last_write_millis", StatName.STORE_LAST_WRITE_MILLIS);
    section(m, "storage", "write_failures", StatName.STORE_WRITE_FAILURES);
    return m;
  }

  @SuppressWarnings("unchecked")
  private void section(Map<String, Object> m, String section, String key, StatName stat) {
    Number v = stats.value(stat);
    if (v != null && !Double.isNaN(v.doubleValue())) {
      ((Map<String, Object>) m.computeIfAbsent(section, s -> new LinkedHashMap<String, Object>()))
          .put(key, v);
    }
  }

  private static Map<String, Object> jvm() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Map<String, Object> jvm = new LinkedHashMap<>();
    jvm.put("version", Runtime.version().toString());
    jvm.put("heap_used_bytes", memory.getHeapMemoryUsage().getUsed());
    jvm.put("heap_committed_bytes", memory.getHeapMemoryUsage().getCommitted());
    jvm.put("heap_max_bytes", memory.getHeapMemoryUsage().getMax());
    jvm.put("non_heap_used_bytes", memory.getNonHeapMemoryUsage().getUsed());
    List<Map<String, Object>> gcs = new ArrayList<>();
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      Map<String, Object> g = new LinkedHashMap<>();
      g.put("name", gc.getName());
      g.put("collections", Math.max(0, gc.getCollectionCount()));
      g.put("time_seconds", Math.max(0, gc.getCollectionTime()) / 1000.0);
      gcs.add(g);
    }
    jvm.put("gc", gcs);
    jvm.put("threads", threads.getThreadCount());
    jvm.put("peak_threads", threads.getPeakThreadCount());
    jvm.put("daemon_threads", threads.getDaemonThreadCount());
    return jvm;
  }
}
