package io.hollerith.server.ops;

import io.hollerith.server.jobs.Scheduler;
import io.hollerith.server.jobs.Task;
import io.hollerith.server.jobs.TaskState;
import io.hollerith.server.stats.StatName;
import io.hollerith.server.stats.StatsRegistry;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * This node as a Celery-style worker: its task lists ({@code active}: running, {@code scheduled}:
 * due later, with their ETA, {@code reserved}: due and waiting for a job thread, {@code revoked}:
 * ids) and its {@code stats}: uptime, pid, JVM, thread pools, ingest rates and the "broker" (the
 * store). {@link NodeHeartbeat} writes it to the store; {@link WorkersView} reads the fleet's.
 * Thread-safe.
 */
public final class WorkerReport {

  /** A worker's name: {@code hollerith@<node_id>}. */
  public static String workerName(String nodeId) {
    return "hollerith@" + nodeId;
  }

  private final String nodeId;
  private final Scheduler scheduler;
  private final StatsRegistry stats;
  private final Clock clock;
  private final Map<String, Object> fixed;
  private final Supplier<Map<String, Object>> broker;
  private long lastAtMillis = -1;
  private long lastPackets;
  private long lastMetrics;

  /**
   * @param fixed what does not change while the node runs, merged into {@code stats}: {@code pool}
   *     (job threads), ingest event loops, flush interval
   * @param broker the store as Celery's broker: engine and connection pool now, read per report
   */
  public WorkerReport(
      String nodeId,
      Scheduler scheduler,
      StatsRegistry stats,
      Clock clock,
      Map<String, Object> fixed,
      Supplier<Map<String, Object>> broker) {
    this.nodeId = nodeId;
    this.scheduler = scheduler;
    this.stats = stats;
    this.clock = clock;
    this.fixed = Map.copyOf(fixed);
    this.broker = broker;
  }

  /**
   * The report now: keys {@code active}, {@code scheduled}, {@code reserved}, {@code revoked},
   * {@code stats}.
   */
  public synchronized Map<String, Object> build() {
    String worker = workerName(nodeId);
    Map<String, Object> r = new LinkedHashMap<>();
    r.put(
        "active",
        scheduler.tasks(null, TaskState.RUNNING, Integer.MAX_VALUE).stream()
            .map(t -> request(t, worker))
            .toList());
    r.put(
        "scheduled",
        scheduler.tasks(null, TaskState.SCHEDULED, Integer.MAX_VALUE).stream()
            .map(
                t -> {
                  Map<String, Object> s = new LinkedHashMap<>();
                  s.put("eta", t.scheduledAt().toString());
                  s.put("priority", 0);
                  s.put("request", request(t, worker));
                  return s;
                })
            .toList());
    r.put(
        "reserved",
        scheduler.tasks(null, TaskState.WAITING, Integer.MAX_VALUE).stream()
            .map(t -> request(t, worker))
            .toList());
    r.put(
        "revoked",
        scheduler.tasks(null, TaskState.REVOKED, Integer.MAX_VALUE).stream()
            .map(Task::id)
            .toList());
    r.put("stats", stats());
    return r;
  }

  /** A task as Celery describes a request, plus its Hollerith record. */
  static Map<String, Object> request(Task t, String worker) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", t.id());
    m.put("name", t.jobId());
    m.put("args", List.of());
    m.put("kwargs", Map.of());
    m.put("type", t.jobId());
    m.put("hostname", worker);
    m.put("time_start", t.startedAt() == null ? null : t.startedAt().toEpochMilli() / 1000.0);
    m.put("acknowledged", t.state() != TaskState.SCHEDULED);
    m.put("worker_pid", ProcessHandle.current().pid());
    m.put("task", t.view());
    return m;
  }

  private Map<String, Object> stats() {
    long now = clock.millis();
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("clock", now);
    s.put("uptime", (now - ManagementFactory.getRuntimeMXBean().getStartTime()) / 1000);
    s.put("pid", ProcessHandle.current().pid());
    s.put("jvm", Runtime.version().toString() + " (" + System.getProperty("java.vm.name") + ")");
    s.putAll(fixed);
    s.put("broker", broker.get());
    Map<String, Object> pools = new LinkedHashMap<>();
    Map<String, Object> http = new LinkedHashMap<>();
    put(http, "size", StatName.HTTP_WORKERS);
    put(http, "active", StatName.HTTP_WORKERS_ACTIVE);
    put(http, "queued", StatName.HTTP_QUEUED_REQUESTS);
    pools.put("http_workers", http);
    Map<String, Object> jobs = new LinkedHashMap<>();
    jobs.put("running", scheduler.count(TaskState.RUNNING));
    jobs.put("waiting", scheduler.count(TaskState.WAITING));
    pools.put("job_threads", jobs);
    Map<String, Object> flusher = new LinkedHashMap<>();
    flusher.put("threads", 1);
    put(flusher, "last_duration_ms", StatName.FLUSH_LAST_DURATION_MS);
    put(flusher, "processing_lag_ms", StatName.FLUSH_PROCESSING_LAG_MS);
    pools.put("flusher", flusher);
    if (stats.value(StatName.STORE_BACKLOG_SNAPSHOTS) != null) {
      Map<String, Object> writer = new LinkedHashMap<>();
      writer.put("threads", 1);
      put(writer, "backlog", StatName.STORE_BACKLOG_SNAPSHOTS);
      put(writer, "backlog_age_seconds", StatName.STORE_BACKLOG_AGE_SECONDS);
      pools.put("store_writer", writer);
    }
    s.put("thread_pools", pools);
    s.put("ingest_rates", ingestRates(now));
    Map<String, Long> total = new TreeMap<>();
    for (Task t : scheduler.tasks(null, null, Integer.MAX_VALUE)) {
      if (t.state() == TaskState.SUCCEEDED || t.state() == TaskState.FAILED) {
        total.merge(t.jobId(), 1L, Long::sum);
      }
    }
    s.put("total", total);
    return s;
  }

  /** Packets and metrics per second since the previous report (empty on the first). */
  private Map<String, Object> ingestRates(long now) {
    long packets = value(StatName.PACKETS_RECEIVED);
    long metrics = value(StatName.METRICS_RECEIVED);
    Map<String, Object> rates = new LinkedHashMap<>();
    if (lastAtMillis >= 0 && now > lastAtMillis) {
      double seconds = (now - lastAtMillis) / 1000.0;
      rates.put("packets_per_second", (packets - lastPackets) / seconds);
      rates.put("metrics_per_second", (metrics - lastMetrics) / seconds);
    }
    lastAtMillis = now;
    lastPackets = packets;
    lastMetrics = metrics;
    return rates;
  }

  private long value(StatName stat) {
    Number n = stats.value(stat);
    return n == null ? 0 : n.longValue();
  }

  private void put(Map<String, Object> m, String key, StatName stat) {
    Number n = stats.value(stat);
    if (n != null) {
      m.put(key, n);
    }
  }
}
