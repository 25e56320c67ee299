package io.hollerith.server.stats;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Clock;

/**
 * The node's process and JVM figures as gauges of category {@code system} in a {@link
 * StatsRegistry}: the one source that {@code /stats}, the Prometheus exposition ({@code
 * hollerith_system_*}), the internal stats object and the self series all read.
 */
public final class SystemStats {

  private SystemStats() {}

  /** Registers (or re-registers, harmlessly) the {@code system} gauges. */
  public static void register(StatsRegistry stats, Clock clock) {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long started = ManagementFactory.getRuntimeMXBean().getStartTime();
    stats.gauge(
        "system",
        "uptime_seconds",
        "Seconds since the process started",
        () -> Math.max(0, clock.millis() - started) / 1000.0);
    stats.gauge(
        "system",
        "memory_usage_bytes",
        "JVM heap and non-heap memory in use, bytes",
        () -> memory.getHeapMemoryUsage().getUsed() + memory.getNonHeapMemoryUsage().getUsed());
    stats.gauge(
        StatName.HEAP_USED_BYTES,
        "JVM heap in use, bytes",
        () -> memory.getHeapMemoryUsage().getUsed());
    stats.gauge(
        "system",
        "heap_max_bytes",
        "JVM maximum heap, bytes",
        () -> memory.getHeapMemoryUsage().getMax());
    stats.gauge(
        "system",
        "non_heap_used_bytes",
        "JVM non-heap memory in use, bytes",
        () -> memory.getNonHeapMemoryUsage().getUsed());
    stats.gauge(
        "system",
        "threads",
        "Live JVM threads",
        () -> ManagementFactory.getThreadMXBean().getThreadCount());
    stats.gauge(
        "system", "gc_collections", "Garbage collections since start", SystemStats::gcCollections);
    stats.gauge(
        StatName.GC_TIME_SECONDS,
        "Time spent in garbage collection since start, seconds",
        () -> gcMillis() / 1000.0);
    stats.gauge(
        "system",
        "available_processors",
        "Processors available to the JVM",
        () -> Runtime.getRuntime().availableProcessors());
  }

  /** Garbage collections since start, all collectors. */
  public static long gcCollections() {
    long n = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      n += Math.max(0, gc.getCollectionCount());
    }
    return n;
  }

  /** Milliseconds spent in garbage collection since start, all collectors. */
  public static long gcMillis() {
    long ms = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      ms += Math.max(0, gc.getCollectionTime());
    }
    return ms;
  }
}
