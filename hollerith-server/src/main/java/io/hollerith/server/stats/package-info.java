/**
 * Hollerith's own statistics ({@link io.hollerith.server.stats.StatsRegistry}): counters and
 * gauges by category and metric, incremented on hot paths through {@code LongAdder} handles and read
 * by {@code /stats}, {@code /metrics} and the management {@code stats} command.
 */
package io.hollerith.server.stats;
