/**
 * Hollerith's own statistics ({@link io.hollerith.server.stats.StatsRegistry}): counters and gauges
 * by category and metric, incremented on hot paths through {@code LongAdder} handles and read by
 * {@code /stats}, {@code /metrics}, the management {@code stats} command, the internal statistics
 * object and the self series. The process and JVM figures are registered once, as the {@code
 * system} gauges of {@link io.hollerith.server.stats.SystemStats}, so every reader shows the same
 * values; {@link io.hollerith.server.stats.ProcessUsage} reads {@code getrusage}'s figures from
 * {@code /proc}, and {@link io.hollerith.server.stats.WakeLatencyProbe} measures how late the JVM
 * wakes a sleeping thread.
 */
package io.hollerith.server.stats;
